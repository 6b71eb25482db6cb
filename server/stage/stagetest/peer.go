// Package stagetest has real WebRTC clients for the stage (pion peers): a
// publisher sending a generated VP8 and Opus stream, and a viewer that
// counts what it receives. The stage's tests and scripts/videoload use them.
package stagetest

import (
	"context"
	"time"

	"github.com/pion/interceptor"

	"github.com/pion/webrtc/v4"
)

// newPC makes a client connection that can reach a server on this machine.
func newPC() (*webrtc.PeerConnection, error) { return newPCWith(nil, nil) }

// newPCWith makes one whose media engine knows only codecs (nil: pion's
// defaults), with the interceptors of ir and the NACK ones added after
// them (nil: none).
func newPCWith(only map[webrtc.RTPCodecType][]webrtc.RTPCodecParameters, ir *interceptor.Registry) (*webrtc.PeerConnection, error) {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICETimeouts(4*time.Second, 10*time.Second, 2*time.Second)
	m := &webrtc.MediaEngine{}
	if only == nil {
		if err := m.RegisterDefaultCodecs(); err != nil {
			return nil, err
		}
	}
	for kind, cs := range only {
		for _, c := range cs {
			if err := m.RegisterCodec(c, kind); err != nil {
				return nil, err
			}
		}
	}
	if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
		return nil, err
	}
	opts := []func(*webrtc.API){webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)}
	if ir != nil {
		if err := webrtc.ConfigureNack(m, ir); err != nil {
			return nil, err
		}
		opts = append(opts, webrtc.WithInterceptorRegistry(ir))
	}
	return webrtc.NewAPI(opts...).NewPeerConnection(webrtc.Configuration{})
}

// offer makes a complete offer (every candidate in it).
func offer(ctx context.Context, pc *webrtc.PeerConnection) (string, error) {
	o, err := pc.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(o); err != nil {
		return "", err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return pc.LocalDescription().SDP, nil
}

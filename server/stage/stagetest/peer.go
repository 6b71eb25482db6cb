// Package stagetest has real WebRTC clients for the stage (pion peers): a
// publisher sending a generated VP8 and Opus stream, and a viewer that
// counts what it receives. The stage's tests and scripts/videoload use them.
package stagetest

import (
	"context"
	"time"

	"github.com/pion/webrtc/v4"
)

// newPC makes a client connection that can reach a server on this machine.
func newPC() (*webrtc.PeerConnection, error) { return newPCWith(nil) }

// newPCWith makes one whose media engine knows only codecs (nil: pion's
// defaults).
func newPCWith(only map[webrtc.RTPCodecType][]webrtc.RTPCodecParameters) (*webrtc.PeerConnection, error) {
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
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
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

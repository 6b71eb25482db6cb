package stage

// The stage's debug log (LOG_LEVEL=debug): each publisher's and viewer's
// connection states, the key frames asked, where each viewer's media
// started and its sinks' counts every few seconds, so that a viewer who
// never plays can be explained from the log (the browser suite runs the
// platform at debug level and quotes these lines when a video does not
// play).

import (
	"context"
	"log/slog"
	"time"

	"github.com/pion/webrtc/v4"
)

func (s *Stage) debugOn() bool { return s.log.Enabled(context.Background(), slog.LevelDebug) }

func (p *publisher) debug(msg string, args ...any) {
	if !p.r.s.debugOn() {
		return
	}
	p.r.s.log.Debug("stage: "+msg, append([]any{"roadshow", p.r.id, "publisher", p.who.UserID, "session", p.session[:6]}, args...)...)
}

func (v *viewer) debug(msg string, args ...any) {
	if !v.r.s.debugOn() {
		return
	}
	v.r.s.log.Debug("stage: "+msg, append([]any{"roadshow", v.r.id, "publisher", v.pub.who.UserID, "viewer", v.who.UserID, "session", v.session[:6]}, args...)...)
}

func ridOf(src *source) string {
	if src == nil {
		return "none"
	}
	if src.rid == "" {
		return "single"
	}
	return src.rid
}

// debugCounts logs what v's sinks did: packets sent, packets of the
// wanted layer passed over while waiting for its key frame, starts at a
// key frame, key frames the viewer asked for.
func (v *viewer) debugCounts(msg string) {
	if !v.r.s.debugOn() {
		return
	}
	for _, s := range []*sink{v.video, v.audio} {
		s.mu.Lock()
		cur, want := ridOf(s.cur), ridOf(s.want)
		s.mu.Unlock()
		v.debug(msg, "video", s.video, "cur", cur, "want", want, "sent", s.nSent.Load(), "waited", s.nWaited.Load(),
			"starts", s.nStarts.Load(), "asked", s.nAsked.Load())
	}
}

// debugEvery logs v's counts every few seconds until its connection ends.
func (v *viewer) debugEvery() {
	if !v.r.s.debugOn() {
		return
	}
	for {
		time.Sleep(5 * time.Second)
		if st := v.pc.ConnectionState(); st == webrtc.PeerConnectionStateClosed || st == webrtc.PeerConnectionStateFailed {
			return
		}
		v.debugCounts("viewer counts")
	}
}

package stage

// The stage's debug log (LOG_LEVEL=debug): each publisher's and viewer's
// connection states, key frames asked and where each viewer's video
// started, so that a viewer who never plays can be explained from the log.

import (
	"context"
	"log/slog"
	"time"

	"github.com/pion/webrtc/v4"
)

func (p *publisher) debug(msg string, args ...any) {
	p.r.s.log.Debug("stage: "+msg, append([]any{"roadshow", p.r.id, "publisher", p.who.UserID, "session", p.session[:6]}, args...)...)
}

func (v *viewer) debug(msg string, args ...any) {
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

func (v *viewer) debugCounts(msg string) {
	for _, s := range []*sink{v.video, v.audio} {
		s.mu.Lock()
		cur, want := ridOf(s.cur), ridOf(s.want)
		s.mu.Unlock()
		v.debug(msg, "video", s.video, "cur", cur, "want", want, "sent", s.nSent.Load(), "waited", s.nWaited.Load(),
			"starts", s.nStarts.Load(), "asked", s.nAsked.Load())
	}
}

// debugEvery logs v's counts every few seconds while it is connected.
func (v *viewer) debugEvery() {
	if !v.r.s.log.Enabled(context.Background(), slog.LevelDebug) {
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

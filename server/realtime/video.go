package realtime

import (
	"context"
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/roadshow"
)

// StageVideo is the room's live video (server/stage). The room tells it
// who may publish whenever a stored event changes that; it never blocks.
type StageVideo interface {
	Rules(roadshowID string, r *roadshow.StageRules)
}

// UseStage makes the hub tell v who may publish on each stage. Call it
// before the hub serves anything.
func (h *Hub) UseStage(v StageVideo) { h.video = v }

// StageRules returns who may publish on roadshow id's stage now, loading
// the room if it is not in memory. Publishing asks it after the room has
// admitted the person (Admit), so entry and the stage share one rule.
func (h *Hub) StageRules(ctx context.Context, id string) (*roadshow.StageRules, error) {
	r, release, err := h.room(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	return r.rules.Load(), nil
}

// StageLive tells roadshow id's room who publishes on its stage now; the
// room sends it to everyone (a stage.live frame, not stored) and in each
// welcome. The video server calls it whenever that changes.
func (h *Hub) StageLive(id string, live []roadshow.LivePublisher) {
	h.mu.Lock()
	if len(live) == 0 {
		delete(h.live, id)
	} else {
		h.live[id] = slices.Clone(live)
	}
	e := h.rooms[id]
	h.mu.Unlock()
	if e == nil || e.r == nil {
		return // an unloaded room reads it in its next welcome
	}
	select {
	case e.r.liveSig <- struct{}{}:
	default: // already signalled: the room sends what is current then
	}
}

func (h *Hub) liveOn(id string) []roadshow.LivePublisher {
	h.mu.Lock()
	defer h.mu.Unlock()
	if l := h.live[id]; l != nil {
		return l
	}
	return []roadshow.LivePublisher{}
}

// stageChanged keeps the stage's rules current after an event that
// changes them, and tells the video server.
func (r *room) stageChanged() {
	rules := r.st.Rules(r.rs)
	r.rules.Store(rules)
	if r.hub.video != nil {
		r.hub.video.Rules(r.id, rules)
	}
}

// sendLive sends who publishes on the stage now to everyone here.
func (r *room) sendLive() {
	r.hub.broker.Publish(r.id, Delivery{To: Audience{All: true}, Frame: encode("stage.live", r.lastSeq(), time.Now(),
		liveData{Publishers: r.hub.liveOn(r.id)})})
}

// nameOf is the name of a signed-in person in the room, on this instance
// or another; empty if they are not here.
func (r *room) nameOf(userID string) string {
	if r.present[userID] > 0 {
		return r.names[userID]
	}
	for _, o := range r.cl.others {
		for _, p := range o.p.Who {
			if p.UserID == userID {
				return p.Name
			}
		}
	}
	return ""
}

// The stage's frames.
type (
	liveData struct {
		Publishers []roadshow.LivePublisher `json:"publishers"`
	}
	speakerData struct {
		UserID   string `json:"userId"`
		UserName string `json:"userName"`
	}
	mediaData struct {
		UserID    string `json:"userId"`
		Audio     bool   `json:"audio"` // flows
		Video     bool   `json:"video"`
		AudioHost bool   `json:"audioHost"` // the host holds it off
		VideoHost bool   `json:"videoHost"`
	}
	// onStageData is the stage in a welcome.
	onStageData struct {
		Speakers []speakerData            `json:"speakers"`
		Off      []string                 `json:"off"`
		Media    []mediaData              `json:"media"`
		Live     []roadshow.LivePublisher `json:"live"`
	}
)

func mediaWire(userID string, m roadshow.MediaState) mediaData {
	return mediaData{UserID: userID, Audio: m.Audio(), Video: m.Video(), AudioHost: m.AudioHost, VideoHost: m.VideoHost}
}

func (r *room) onStage() onStageData {
	d := onStageData{Speakers: []speakerData{}, Off: []string{}, Media: []mediaData{}, Live: r.hub.liveOn(r.id)}
	for id, name := range r.st.Speakers {
		d.Speakers = append(d.Speakers, speakerData{UserID: id, UserName: name})
	}
	for id := range r.st.Off {
		d.Off = append(d.Off, id)
	}
	for id, m := range r.st.Media {
		d.Media = append(d.Media, mediaWire(id, m))
	}
	return d
}

// stageFrame is the frame of a stage event.
func (r *room) stageFrame(l roadshow.Logged) []byte {
	switch e := l.Event.(type) {
	case roadshow.Speaker:
		return encode("stage.speaker", l.Seq, l.At, speakerData{UserID: e.UserID, UserName: e.Name})
	case roadshow.OffStage:
		return encode("stage.off", l.Seq, l.At, userData{UserID: e.UserID})
	case roadshow.Media:
		return encode("stage.media", l.Seq, l.At, mediaWire(e.UserID, r.st.Media[e.UserID]))
	}
	return nil
}

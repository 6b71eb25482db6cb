package roadshow

import (
	"maps"

	"github.com/yuechuang/yuechuang/server/domain"
)

// The live stage (server/stage forwards its video) rides the room's log:
// who the host brought on stage or took off, and whose microphone or
// camera is off. Who may publish is decided here, from the same state, so
// the room, its rebuild and the video server agree.

// The kinds of the stage's events.
const (
	KindSpeaker  Kind = "stage.speaker"
	KindOffStage Kind = "stage.off"
	KindMedia    Kind = "stage.media"
)

// Speaker is a person the host brought on stage (a raised hand) until the
// slot changes or the host takes them off.
type Speaker struct{ UserID, Name string }

// OffStage takes a person off the stage for the rest of the slot: their
// publishing stops and they may not publish again unless the host brings
// them back.
type OffStage struct{ UserID string }

// Media switches one of a person's media (audio or video) off or on. The
// host's switch and the person's own are kept apart: media flows only
// while neither holds it off.
type Media struct {
	UserID string
	Video  bool // false: audio
	Off    bool
	ByHost bool
}

func (Speaker) Kind() Kind  { return KindSpeaker }
func (OffStage) Kind() Kind { return KindOffStage }
func (Media) Kind() Kind    { return KindMedia }

// MediaState is who holds a person's audio and video off.
type MediaState struct {
	AudioSelf, AudioHost bool
	VideoSelf, VideoHost bool
}

// Audio reports whether the person's audio may flow.
func (m MediaState) Audio() bool { return !m.AudioSelf && !m.AudioHost }

// Video reports whether the person's video may flow.
func (m MediaState) Video() bool { return !m.VideoSelf && !m.VideoHost }

// stageState is the stage's part of State.
type stageState struct {
	Speakers map[string]string     // user id → name, brought on stage for this slot
	Off      map[string]bool       // taken off for this slot
	Media    map[string]MediaState // by user id; kept across slots
}

func (s *State) applyStage(l Logged) {
	if s.Speakers == nil {
		s.Speakers, s.Off, s.Media = map[string]string{}, map[string]bool{}, map[string]MediaState{}
	}
	switch e := l.Event.(type) {
	case Speaker:
		s.Speakers[e.UserID] = e.Name
		delete(s.Off, e.UserID)
	case OffStage:
		delete(s.Speakers, e.UserID)
		s.Off[e.UserID] = true
	case Media:
		m := s.Media[e.UserID]
		switch {
		case e.Video && e.ByHost:
			m.VideoHost = e.Off
		case e.Video:
			m.VideoSelf = e.Off
		case e.ByHost:
			m.AudioHost = e.Off
		default:
			m.AudioSelf = e.Off
		}
		s.Media[e.UserID] = m
	}
}

// newSlot forgets the speakers and removals of the slot before: a raised
// hand belongs to the pitch it was raised in.
func (s *State) newSlot() {
	clear(s.Speakers)
	clear(s.Off)
}

// Commands of the stage.
type (
	// InviteSpeaker brings a person on stage; Name is theirs as the room
	// knows them, empty if they are not in the room.
	InviteSpeaker struct{ UserID, Name string }
	// RemoveFromStage takes a person off the stage.
	RemoveFromStage struct{ UserID string }
	// SetMedia switches audio and video (nil: unchanged) of UserID, or of
	// the sender when empty.
	SetMedia struct {
		UserID       string
		Audio, Video *bool
	}
)

func (InviteSpeaker) command()   {}
func (RemoveFromStage) command() {}
func (SetMedia) command()        {}

// Refusals of the stage.
var (
	ErrStageForbidden = refuse(domain.KindForbidden, "stage_forbidden", "only the host, the presenter on stage and invited speakers may publish")
	ErrOffStage       = refuse(domain.KindForbidden, "off_stage", "the host took you off the stage")
	ErrNotPresent     = refuse(domain.KindNotFound, "not_present", "that person is not in the room")
	ErrHostUnmute     = refuse(domain.KindForbidden, "host_muted", "the host switched this off")
)

// maxUserID bounds the user ids a stage command names.
const maxUserID = 64

func decideStageCommand(s *State, p Peer, c Command) (Decision, *domain.Error) {
	if !s.Live() {
		return Decision{}, ErrNotLive
	}
	switch c := c.(type) {
	case InviteSpeaker:
		if !p.Host {
			return Decision{}, ErrHostOnly
		}
		if !domain.ValidID(c.UserID) {
			return Decision{}, refuse(domain.KindInvalid, "invalid", "invalid userId")
		}
		if c.Name == "" {
			return Decision{}, ErrNotPresent
		}
		if _, ok := s.Speakers[c.UserID]; ok {
			return Decision{}, nil
		}
		return Decision{Events: []Event{Speaker{UserID: c.UserID, Name: c.Name}}}, nil
	case RemoveFromStage:
		if !p.Host {
			return Decision{}, ErrHostOnly
		}
		if c.UserID == "" || len(c.UserID) > maxUserID {
			return Decision{}, refuse(domain.KindInvalid, "invalid", "invalid userId")
		}
		if s.Off[c.UserID] {
			return Decision{}, nil
		}
		return Decision{Events: []Event{OffStage{UserID: c.UserID}}}, nil
	case SetMedia:
		who, byHost := c.UserID, false
		if len(who) > maxUserID {
			return Decision{}, refuse(domain.KindInvalid, "invalid", "invalid userId")
		}
		if who == "" || who == p.UserID {
			who = p.UserID
		} else if !p.Host {
			return Decision{}, ErrHostOnly
		} else {
			byHost = true
		}
		m := s.Media[who]
		var out []Event
		for _, sw := range []struct {
			on          *bool
			video       bool
			self, hostd bool
		}{{c.Audio, false, m.AudioSelf, m.AudioHost}, {c.Video, true, m.VideoSelf, m.VideoHost}} {
			if sw.on == nil {
				continue
			}
			off := !*sw.on
			if !byHost && !off && sw.hostd && !p.Host {
				return Decision{}, ErrHostUnmute
			}
			if (byHost && sw.hostd == off) || (!byHost && sw.self == off) {
				continue // already so
			}
			out = append(out, Media{UserID: who, Video: sw.video, Off: off, ByHost: byHost})
		}
		return Decision{Events: out}, nil
	}
	return Decision{}, refuse(domain.KindInvalid, "unknown_type", "unknown message type")
}

// Allowed is what a person on stage may send now.
type Allowed struct {
	Audio, Video bool
	As           string // host, presenter or speaker
}

// StageRules is who may publish on a room's stage, as of event Seq: a
// snapshot the video server holds and checks without asking the room.
// Nothing changes it once made.
type StageRules struct {
	Seq         int64
	Live        bool
	Slot        int
	StartupID   string
	StartupName string
	Presenter   string // the founder presenting the slot on stage
	speakers    map[string]string
	off         map[string]bool
	media       map[string]MediaState
}

// Rules returns who may publish now in rs's room.
func (s *State) Rules(rs *domain.Roadshow) *StageRules {
	r := &StageRules{Seq: s.Seq, Live: s.Live(), speakers: maps.Clone(s.Speakers), off: maps.Clone(s.Off), media: maps.Clone(s.Media)}
	if s.Stage != nil {
		r.Slot, r.StartupID, r.StartupName = s.Stage.Slot, s.Stage.StartupID, s.Stage.StartupName
		if s.Stage.Slot < len(rs.Slots) {
			r.Presenter = rs.Slots[s.Stage.Slot].OwnerID
		}
	}
	return r
}

// Allow decides whether p may publish on the stage, and what flows.
func (r *StageRules) Allow(p Peer) (Allowed, *domain.Error) {
	if r == nil {
		return Allowed{}, ErrNotLive
	}
	if p.UserID == "" {
		return Allowed{}, ErrSignIn
	}
	if !r.Live {
		return Allowed{}, ErrNotLive
	}
	if r.off[p.UserID] {
		return Allowed{}, ErrOffStage
	}
	var as string
	switch _, speaker := r.speakers[p.UserID]; {
	case p.Host:
		as = "host"
	case p.UserID == r.Presenter:
		as = "presenter"
	case speaker:
		as = "speaker"
	default:
		return Allowed{}, ErrStageForbidden
	}
	m := r.media[p.UserID]
	return Allowed{Audio: m.Audio(), Video: m.Video(), As: as}, nil
}

// Speakers lists the people brought on stage, by user id.
func (r *StageRules) Speakers() map[string]string { return maps.Clone(r.speakers) }

// MediaOf is who holds userID's audio and video off.
func (r *StageRules) MediaOf(userID string) MediaState { return r.media[userID] }

// StageKind reports whether an event changes who may publish or what
// flows (the stage's events, a new slot, the end).
func StageKind(e Event) bool {
	switch e.(type) {
	case Speaker, OffStage, Media, Stage, Ended:
		return true
	}
	return false
}

// LivePublisher is someone publishing on the stage now, as the video
// server sees them: which media it receives from them and lets flow.
type LivePublisher struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	As     string `json:"as"` // host, presenter or speaker
	Audio  bool   `json:"audio"`
	Video  bool   `json:"video"`
}

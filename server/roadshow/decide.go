package roadshow

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Limits on what one participant may send.
const (
	MaxChatRunes     = 500
	MaxQuestionRunes = 300
	MaxEmojiRunes    = 8
	MaxReactionKinds = 32 // per room
	MaxPage          = 500
)

// Peer is who sends a command, as the room admitted them.
type Peer struct {
	UserID    string // empty for a signed-out guest
	Name      string
	Investor  bool
	Host      bool // the roadshow's manager or an admin
	Presenter bool // a founder of a startup in the agenda
}

// Command is one of the types below: what a participant asks for, over
// the websocket or (the lifecycle) over REST — the same command either way.
type Command interface{ command() }

type (
	SendChat       struct{ Text string }
	AskQuestion    struct{ Text string }
	Upvote         struct{ ID int64 }
	MarkAnswered   struct{ ID int64 }
	HideMessage    struct{ ID int64 }
	MuteUser       struct{ UserID string }
	React          struct{ Emoji string }
	RaiseHand      struct{}
	SignalInterest struct{ StartupID string } // empty: the startup on stage
	SetStage       struct{ Slot, Page *int }  // nil: unchanged
	Start          struct{}
	Advance        struct{}
	End            struct{}
)

func (SendChat) command()       {}
func (AskQuestion) command()    {}
func (Upvote) command()         {}
func (MarkAnswered) command()   {}
func (HideMessage) command()    {}
func (MuteUser) command()       {}
func (React) command()          {}
func (RaiseHand) command()      {}
func (SignalInterest) command() {}
func (SetStage) command()       {}
func (Start) command()          {}
func (Advance) command()        {}
func (End) command()            {}

// Decision is what a command does: events to store in order (none for a
// repeated vote or interest, which are no-ops), or a reaction or raised
// hand that is passed on without being stored.
type Decision struct {
	Events   []Event
	Reaction string
	Hand     bool
}

// Refusal codes, beside domain's.
var (
	ErrSignIn    = refuse(domain.KindForbidden, "forbidden", "sign in to take part")
	ErrHostOnly  = refuse(domain.KindForbidden, "forbidden", "only the host may do this")
	ErrNotLive   = refuse(domain.KindConflict, "not_live", "the roadshow is not live")
	ErrEnded     = refuse(domain.KindConflict, "not_live", "the roadshow has ended")
	ErrMuted     = refuse(domain.KindForbidden, "muted", "the host has muted you")
	ErrEmpty     = refuse(domain.KindInvalid, "invalid", "text is empty")
	ErrTooLong   = refuse(domain.KindInvalid, "too_long", "text too long")
	ErrNoSuchQ   = refuse(domain.KindNotFound, "not_found", "no such question")
	ErrNoSuchMsg = refuse(domain.KindNotFound, "not_found", "no such message")
	ErrBadState  = refuse(domain.KindConflict, "bad_state", "not in this state of the roadshow")
	ErrLastSlot  = refuse(domain.KindConflict, "last_slot", "this is the last slot")
)

func refuse(kind domain.Kind, code, detail string) *domain.Error {
	return &domain.Error{Kind: kind, Code: code, Detail: detail}
}

// Decide applies every rule of the room to a command: who may do it, in
// which state of the roadshow, with what input. rs is the roadshow (its
// agenda), s the folded log, now the time for a new slot's deadline. It
// returns what to store, or why not.
func Decide(s *State, rs *domain.Roadshow, p Peer, c Command, now time.Time) (Decision, *domain.Error) {
	// The lifecycle first: it has its own states.
	switch c.(type) {
	case Start, Advance, End:
		return decideLifecycle(s, rs, p, c, now)
	}
	if p.UserID == "" {
		return Decision{}, ErrSignIn
	}
	if s.Ended {
		return Decision{}, ErrEnded
	}
	one := func(e Event) (Decision, *domain.Error) { return Decision{Events: []Event{e}}, nil }
	switch c := c.(type) {
	case SendChat:
		text, err := checkText(s, p, c.Text, MaxChatRunes)
		if err != nil {
			return Decision{}, err
		}
		return one(Chat{Text: text})
	case AskQuestion:
		text, err := checkText(s, p, c.Text, MaxQuestionRunes)
		if err != nil {
			return Decision{}, err
		}
		return one(Question{Text: text})
	case Upvote:
		q := s.Question(c.ID)
		if q == nil || q.Hidden {
			return Decision{}, ErrNoSuchQ
		}
		if q.Voted(p.UserID) {
			return Decision{}, nil // voting twice is a no-op, not an error
		}
		return one(Vote{QuestionID: c.ID})
	case MarkAnswered:
		if !p.Host && !p.Presenter {
			return Decision{}, refuse(domain.KindForbidden, "forbidden", "only the host or a presenter may mark answers")
		}
		if s.Question(c.ID) == nil {
			return Decision{}, ErrNoSuchQ
		}
		return one(Answer{QuestionID: c.ID})
	case HideMessage:
		if !p.Host {
			return Decision{}, ErrHostOnly
		}
		if s.Question(c.ID) == nil && !s.IsChat(c.ID) {
			return Decision{}, ErrNoSuchMsg
		}
		return one(Hide{MessageID: c.ID})
	case MuteUser:
		if !p.Host {
			return Decision{}, ErrHostOnly
		}
		if !domain.ValidID(c.UserID) {
			return Decision{}, refuse(domain.KindInvalid, "invalid", "invalid userId")
		}
		return one(Mute{UserID: c.UserID})
	case React:
		if n := utf8.RuneCountInString(c.Emoji); n == 0 || n > MaxEmojiRunes {
			return Decision{}, refuse(domain.KindInvalid, "invalid", "invalid emoji")
		}
		if len(s.Reactions) >= MaxReactionKinds && s.Reactions[c.Emoji] == 0 {
			return Decision{}, refuse(domain.KindInvalid, "invalid", "too many kinds of reaction")
		}
		return Decision{Reaction: c.Emoji}, nil
	case RaiseHand:
		return Decision{Hand: true}, nil
	case SignalInterest:
		return decideInterest(s, rs, p, c)
	case SetStage:
		return decideStage(s, rs, p, c, now)
	case InviteSpeaker, RemoveFromStage, SetMedia:
		return decideStageCommand(s, p, c)
	}
	return Decision{}, refuse(domain.KindInvalid, "unknown_type", "unknown message type")
}

func checkText(s *State, p Peer, text string, limit int) (string, *domain.Error) {
	if s.Muted[p.UserID] {
		return "", ErrMuted
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ErrEmpty
	}
	if utf8.RuneCountInString(text) > limit {
		return "", ErrTooLong
	}
	return text, nil
}

func decideInterest(s *State, rs *domain.Roadshow, p Peer, c SignalInterest) (Decision, *domain.Error) {
	if !p.Investor {
		return Decision{}, refuse(domain.KindForbidden, "forbidden", "only investors signal interest")
	}
	if !s.Live() {
		return Decision{}, ErrNotLive
	}
	id := c.StartupID
	if id == "" {
		id = s.Stage.StartupID
	}
	if len(Founders(rs, id)) == 0 {
		return Decision{}, refuse(domain.KindNotFound, "not_found", "that startup is not in this roadshow")
	}
	if s.Interested(id, p.UserID) {
		return Decision{}, nil
	}
	return Decision{Events: []Event{Interest{StartupID: id}}}, nil
}

func decideStage(s *State, rs *domain.Roadshow, p Peer, c SetStage, now time.Time) (Decision, *domain.Error) {
	if !s.Live() {
		return Decision{}, ErrNotLive
	}
	cur := *s.Stage
	slot, page := cur.Slot, cur.Page
	if c.Slot != nil {
		slot = *c.Slot
	}
	if c.Page != nil {
		page = *c.Page
	}
	onStage := cur.Slot < len(rs.Slots) && rs.Slots[cur.Slot].OwnerID == p.UserID
	if !p.Host && !(onStage && slot == cur.Slot) { // the presenter turns their own deck's pages
		return Decision{}, refuse(domain.KindForbidden, "forbidden", "only the host changes the stage")
	}
	if slot < 0 || slot >= len(rs.Slots) || page < 1 || page > MaxPage {
		return Decision{}, refuse(domain.KindInvalid, "invalid", "slot or page out of range")
	}
	st := stageAt(rs, slot, page, now)
	if slot == cur.Slot {
		st.Deadline = cur.Deadline // turning pages leaves the slot's time as it was
	}
	return Decision{Events: []Event{st}}, nil
}

func decideLifecycle(s *State, rs *domain.Roadshow, p Peer, c Command, now time.Time) (Decision, *domain.Error) {
	if !p.Host {
		return Decision{}, refuse(domain.KindForbidden, "host_only", "only the host may do this")
	}
	switch c.(type) {
	case Start:
		if s.Started {
			return Decision{}, refuse(domain.KindConflict, "bad_state", "only a scheduled roadshow can start")
		}
		if len(rs.Slots) == 0 { // domain.Roadshow.StartRefusal: only accepted invitations are slots
			return Decision{}, domain.ErrNoPresenters
		}
		return Decision{Events: []Event{stageAt(rs, 0, 1, now)}}, nil
	case Advance:
		if !s.Live() {
			return Decision{}, ErrBadState
		}
		if s.Stage.Slot+1 >= len(rs.Slots) {
			return Decision{}, ErrLastSlot
		}
		return Decision{Events: []Event{stageAt(rs, s.Stage.Slot+1, 1, now)}}, nil
	default: // End
		if !s.Live() {
			return Decision{}, ErrBadState
		}
		return Decision{Events: []Event{Ended{}}}, nil
	}
}

// stageAt puts slot on stage at page with the slot's full time from now.
func stageAt(rs *domain.Roadshow, slot, page int, now time.Time) Stage {
	sl := rs.Slots[slot]
	return Stage{Slot: slot, Page: page, StartupID: sl.StartupID, StartupName: sl.StartupName,
		Deadline: now.Add(time.Duration(sl.Minutes) * time.Minute)}
}

// Founders returns the founders presenting startupID in rs.
func Founders(rs *domain.Roadshow, startupID string) []string {
	var out []string
	for _, s := range rs.Slots {
		if s.StartupID == startupID && startupID != "" {
			out = append(out, s.OwnerID)
		}
	}
	return out
}

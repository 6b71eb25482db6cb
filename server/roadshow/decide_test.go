package roadshow

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

var (
	t0     = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	agenda = &domain.Roadshow{ID: "rs", OwnerID: "host", Slots: []domain.Slot{
		{StartupID: "sA", StartupName: "越芯", OwnerID: "founderA", Minutes: 10},
		{StartupID: "sB", StartupName: "兰亭", OwnerID: "founderB", Minutes: 8},
	}}
	host     = Peer{UserID: "host", Name: "主持人", Host: true}
	founderA = Peer{UserID: "founderA", Name: "陈", Presenter: true}
	founderB = Peer{UserID: "founderB", Name: "王", Presenter: true}
	investor = Peer{UserID: "inv", Name: "投资人", Investor: true}
	viewer   = Peer{UserID: "viewer", Name: "观众"}
	guest    = Peer{}
)

func ip(n int) *int { return &n }

// history builds a state by deciding and applying commands, as the room
// does, failing on any refusal.
func history(t *testing.T, steps ...any) *State {
	t.Helper()
	s := NewState()
	for i := 0; i < len(steps); i += 2 {
		p, c := steps[i].(Peer), steps[i+1].(Command)
		d, err := Decide(s, agenda, p, c, t0)
		if err != nil {
			t.Fatalf("setup %T by %s: %v", c, p.UserID, err)
		}
		for _, e := range d.Events {
			s.Apply(Logged{Seq: s.Seq + 1, At: t0, UserID: p.UserID, UserName: p.Name, Event: e})
		}
		if d.Reaction != "" {
			s.CountReaction(d.Reaction)
		}
	}
	return s
}

// TestDecide holds every rule of the room, one line each: who may do what
// in which state with which input.
func TestDecide(t *testing.T) {
	scheduled := func(t *testing.T) *State { return history(t) }
	live := func(t *testing.T) *State { return history(t, host, Start{}) }
	withQ := func(t *testing.T) *State { // question 2, chat 3, on a live stage (1)
		return history(t, host, Start{}, viewer, AskQuestion{Text: "估值？"}, investor, SendChat{Text: "你好"})
	}
	ended := func(t *testing.T) *State { return history(t, host, Start{}, host, End{}) }
	lastSlot := func(t *testing.T) *State { return history(t, host, Start{}, host, Advance{}) }
	muted := func(t *testing.T) *State {
		return history(t, host, Start{}, host, MuteUser{UserID: "0123456789abcdef01234567"})
	}
	manyReactions := func(t *testing.T) *State {
		steps := []any{}
		for i := 0; i < MaxReactionKinds; i++ {
			steps = append(steps, viewer, React{Emoji: fmt.Sprint(i)})
		}
		return history(t, steps...)
	}
	mutedPeer := Peer{UserID: "0123456789abcdef01234567", Name: "被禁言"}

	cases := []struct {
		name  string
		state func(*testing.T) *State
		peer  Peer
		cmd   Command
		code  string // refusal code; "" = allowed
		want  string // the events decided, %v of their values
	}{
		{"guest chats", live, guest, SendChat{Text: "hi"}, "forbidden", ""},
		{"viewer chats before the start", scheduled, viewer, SendChat{Text: " 你好 "}, "", "[{你好}]"},
		{"empty chat", live, viewer, SendChat{Text: "  "}, "invalid", ""},
		{"chat of 500", live, viewer, SendChat{Text: strings.Repeat("长", 500)}, "", ""},
		{"chat of 501", live, viewer, SendChat{Text: strings.Repeat("长", 501)}, "too_long", ""},
		{"question of 301", live, viewer, AskQuestion{Text: strings.Repeat("问", 301)}, "too_long", ""},
		{"muted chats", muted, mutedPeer, SendChat{Text: "hi"}, "muted", ""},
		{"muted asks", muted, mutedPeer, AskQuestion{Text: "hi"}, "muted", ""},
		{"chat after the end", ended, viewer, SendChat{Text: "hi"}, "not_live", ""},
		{"upvote", withQ, investor, Upvote{ID: 2}, "", "[{2}]"},
		{"upvote twice is a no-op", func(t *testing.T) *State {
			return history(t, host, Start{}, viewer, AskQuestion{Text: "q"}, investor, Upvote{ID: 2})
		},
			investor, Upvote{ID: 2}, "", "[]"},
		{"upvote a chat message", withQ, investor, Upvote{ID: 3}, "not_found", ""},
		{"upvote a hidden question", func(t *testing.T) *State { return history(t, viewer, AskQuestion{Text: "q"}, host, HideMessage{ID: 1}) },
			investor, Upvote{ID: 1}, "not_found", ""},
		{"viewer answers", withQ, viewer, MarkAnswered{ID: 2}, "forbidden", ""},
		{"presenter answers", withQ, founderB, MarkAnswered{ID: 2}, "", "[{2}]"},
		{"host answers a missing question", withQ, host, MarkAnswered{ID: 99}, "not_found", ""},
		{"viewer hides", withQ, viewer, HideMessage{ID: 3}, "forbidden", ""},
		{"host hides chat", withQ, host, HideMessage{ID: 3}, "", "[{3}]"},
		{"host hides nothing", withQ, host, HideMessage{ID: 1}, "not_found", ""},
		{"viewer mutes", live, viewer, MuteUser{UserID: mutedPeer.UserID}, "forbidden", ""},
		{"host mutes a bad id", live, host, MuteUser{UserID: "x"}, "invalid", ""},
		{"reaction", live, viewer, React{Emoji: "👍"}, "", "[]"},
		{"empty reaction", live, viewer, React{Emoji: ""}, "invalid", ""},
		{"long reaction", live, viewer, React{Emoji: "123456789"}, "invalid", ""},
		{"a 33rd kind of reaction", manyReactions, viewer, React{Emoji: "new"}, "invalid", ""},
		{"a known kind after 32", manyReactions, viewer, React{Emoji: "0"}, "", "[]"},
		{"hand", live, viewer, RaiseHand{}, "", "[]"},
		{"viewer signals interest", live, viewer, SignalInterest{}, "forbidden", ""},
		{"interest before the start", scheduled, investor, SignalInterest{}, "not_live", ""},
		{"interest in the startup on stage", live, investor, SignalInterest{}, "", "[{sA}]"},
		{"interest in another slot", live, investor, SignalInterest{StartupID: "sB"}, "", "[{sB}]"},
		{"interest outside the agenda", live, investor, SignalInterest{StartupID: "elsewhere"}, "not_found", ""},
		{"interest twice is a no-op", func(t *testing.T) *State { return history(t, host, Start{}, investor, SignalInterest{}) },
			investor, SignalInterest{StartupID: "sA"}, "", "[]"},
		{"interest after the end", ended, investor, SignalInterest{}, "not_live", ""},
		{"stage before the start", scheduled, host, SetStage{Page: ip(2)}, "not_live", ""},
		{"presenter turns own page", live, founderA, SetStage{Page: ip(3)}, "", "[{0 3 sA 越芯 2026-11-28 14:10:00 +0000 UTC}]"},
		{"other presenter turns page", live, founderB, SetStage{Page: ip(3)}, "forbidden", ""},
		{"presenter changes slot", live, founderA, SetStage{Slot: ip(1)}, "forbidden", ""},
		{"viewer turns page", live, viewer, SetStage{Page: ip(2)}, "forbidden", ""},
		{"host slot out of range", live, host, SetStage{Slot: ip(5)}, "invalid", ""},
		{"host page 0", live, host, SetStage{Page: ip(0)}, "invalid", ""},
		{"host page 501", live, host, SetStage{Page: ip(501)}, "invalid", ""},
		{"host moves slot", live, host, SetStage{Slot: ip(1), Page: ip(1)}, "", "[{1 1 sB 兰亭 2026-11-28 14:08:00 +0000 UTC}]"},
		{"start", scheduled, host, Start{}, "", "[{0 1 sA 越芯 2026-11-28 14:10:00 +0000 UTC}]"},
		{"non-host starts", scheduled, founderA, Start{}, "host_only", ""},
		{"start twice", live, host, Start{}, "bad_state", ""},
		{"advance before the start", scheduled, host, Advance{}, "bad_state", ""},
		{"advance", live, host, Advance{}, "", "[{1 1 sB 兰亭 2026-11-28 14:08:00 +0000 UTC}]"},
		{"advance past the last slot", lastSlot, host, Advance{}, "last_slot", ""},
		{"end before the start", scheduled, host, End{}, "bad_state", ""},
		{"end", live, host, End{}, "", "[{}]"},
		{"end twice", ended, host, End{}, "bad_state", ""},
		{"advance after the end", ended, host, Advance{}, "bad_state", ""},
		{"guest ends", live, guest, End{}, "host_only", ""},
	}
	// Only invitations a founder accepted are slots: with none, nothing can start.
	noPresenters := &domain.Roadshow{ID: "rs", OwnerID: "host", Invitations: agenda.Slots}
	if _, err := Decide(NewState(), noPresenters, host, Start{}, t0); err == nil || err.Code != "no_presenters" {
		t.Errorf("start with no accepted presenter: %v, want no_presenters", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.state(t)
			seq := s.Seq
			d, err := Decide(s, agenda, tc.peer, tc.cmd, t0)
			if s.Seq != seq {
				t.Fatal("Decide changed the state")
			}
			if tc.code != "" {
				if err == nil || err.Code != tc.code {
					t.Fatalf("got %v %v, want refusal %s", d, err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got := fmt.Sprintf("%v", d.Events); tc.want != "" && got != tc.want {
				t.Fatalf("events %s, want %s", got, tc.want)
			}
		})
	}
}

// TestFold: the state a log folds into — votes once per person, hidden
// messages, the lifecycle, interest once per investor and startup — and
// the stored form reads back as the same events.
func TestFold(t *testing.T) {
	s := history(t,
		viewer, SendChat{Text: "一"}, // 1
		host, Start{}, // 2
		viewer, AskQuestion{Text: "问"}, // 3
		investor, Upvote{ID: 3}, // 4
		founderA, Upvote{ID: 3}, // 5
		investor, SignalInterest{}, // 6
		founderA, MarkAnswered{ID: 3}, // 7
		host, HideMessage{ID: 1}, // 8
		viewer, SendChat{Text: "二"}, // 9
		host, Advance{}, // 10
		investor, SignalInterest{StartupID: "sA"}, // no-op
		host, End{}, // 11
	)
	q := s.Question(3)
	if s.Seq != 11 || q.Votes != 2 || !q.Answered || q.Hidden || !s.Started || !s.Ended || s.Stage.Slot != 1 || len(s.Stages) != 3 {
		t.Fatalf("state seq %d, question %+v, started %v ended %v stage %+v stages %d", s.Seq, q, s.Started, s.Ended, s.Stage, len(s.Stages))
	}
	if got := s.RecentChat(50); len(got) != 1 || got[0].Text != "二" {
		t.Fatalf("recent chat %+v", got)
	}
	if len(s.Interest) != 1 || s.Interest[0].UserID != "inv" || s.Interest[0].StartupID != "sA" {
		t.Fatalf("interest %+v", s.Interest)
	}
	// Round trip through the stored form.
	events := []Event{Chat{Text: "x"}, Question{Text: "y"}, Vote{QuestionID: 2}, Answer{QuestionID: 2}, Hide{MessageID: 1},
		Mute{UserID: "u"}, Stage{Slot: 1, Page: 4, StartupID: "sB", StartupName: "兰亭", Deadline: t0.Truncate(time.Millisecond)},
		Interest{StartupID: "sB"}, Ended{}}
	for i, e := range events {
		l := Logged{Seq: int64(i + 1), At: t0, UserID: "u", UserName: "名", Event: e}
		back, err := FromRecord(Record("rs", l))
		if err != nil || fmt.Sprintf("%+v", back) != fmt.Sprintf("%+v", l) && !sameStage(back, l) {
			t.Errorf("%T: %+v → %+v (%v)", e, l, back, err)
		}
	}
	if _, err := FromRecord(domain.RoomEvent{Type: "dance"}); err == nil {
		t.Error("an unknown kind was read")
	}
}

func sameStage(a, b Logged) bool {
	x, ok1 := a.Event.(Stage)
	y, ok2 := b.Event.(Stage)
	return ok1 && ok2 && x.Deadline.Equal(y.Deadline) && x.Slot == y.Slot && x.Page == y.Page && x.StartupID == y.StartupID
}

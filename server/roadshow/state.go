package roadshow

import (
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// State is what a room's log folds into. Only Apply changes it.
type State struct {
	Seq       int64 // the last event applied
	Started   bool
	StartedAt time.Time
	Ended     bool
	EndedAt   time.Time
	// Stage is on screen now; nil before the start.
	Stage *Stage
	// Stages are the stage changes and the end, in order, for the record.
	Stages    []Logged
	Chat      []ChatLine       // every message, in order
	Questions []*QuestionState // every question, in order
	Muted     map[string]bool  // by user id
	Interest  []InterestSignal // first signal per investor and startup, in order
	// Reactions are counted, not logged: totals by emoji since the room
	// loaded. CountReaction changes them.
	Reactions map[string]int
	stageState
	chatAt    map[int64]int // seq → index in Chat
	questions map[int64]*QuestionState
	interest  map[string]bool // startupID:userID
}

// ChatLine is a chat message and whether the host hid it.
type ChatLine struct {
	ID       int64     `json:"id"`
	UserID   string    `json:"userId"`
	UserName string    `json:"userName"`
	Text     string    `json:"text"`
	At       time.Time `json:"-"`
	Hidden   bool      `json:"-"`
}

// QuestionState is a question with its votes and state, as clients see it.
type QuestionState struct {
	ID       int64     `json:"id"`
	Text     string    `json:"text"`
	UserID   string    `json:"userId"`
	UserName string    `json:"userName"`
	Votes    int       `json:"votes"`
	Answered bool      `json:"answered"`
	Hidden   bool      `json:"hidden"`
	At       time.Time `json:"-"`
	voters   map[string]bool
}

// Voted reports whether userID voted for q.
func (q *QuestionState) Voted(userID string) bool { return q.voters[userID] }

// InterestSignal is an investor's interest in a startup.
type InterestSignal struct {
	StartupID string
	UserID    string
	UserName  string
	At        time.Time
}

// NewState returns the state of an empty log.
func NewState() *State {
	return &State{stageState: stageState{Speakers: map[string]string{}, Off: map[string]bool{}, Media: map[string]MediaState{}}, Muted: map[string]bool{}, Reactions: map[string]int{}, chatAt: map[int64]int{}, questions: map[int64]*QuestionState{}, interest: map[string]bool{}}
}

// Fold applies a log to a new state.
func Fold(log []Logged) *State {
	s := NewState()
	for _, l := range log {
		s.Apply(l)
	}
	return s
}

// Live reports whether the roadshow has started and not ended.
func (s *State) Live() bool { return s.Started && !s.Ended }

// Question returns the question with id, or nil.
func (s *State) Question(id int64) *QuestionState { return s.questions[id] }

// IsChat reports whether id is a chat message.
func (s *State) IsChat(id int64) bool { _, ok := s.chatAt[id]; return ok }

// Interested reports whether userID signalled interest in startupID.
func (s *State) Interested(startupID, userID string) bool { return s.interest[startupID+":"+userID] }

// Apply changes the state for the next event of the log. It is the only
// place the state changes, live, on replay and for the record alike.
func (s *State) Apply(l Logged) {
	s.Seq = l.Seq
	switch e := l.Event.(type) {
	case Chat:
		s.chatAt[l.Seq] = len(s.Chat)
		s.Chat = append(s.Chat, ChatLine{ID: l.Seq, UserID: l.UserID, UserName: l.UserName, Text: e.Text, At: l.At})
	case Question:
		q := &QuestionState{ID: l.Seq, Text: e.Text, UserID: l.UserID, UserName: l.UserName, At: l.At, voters: map[string]bool{}}
		s.questions[l.Seq] = q
		s.Questions = append(s.Questions, q)
	case Vote:
		if q := s.questions[e.QuestionID]; q != nil && !q.voters[l.UserID] {
			q.voters[l.UserID] = true
			q.Votes++
		}
	case Answer:
		if q := s.questions[e.QuestionID]; q != nil {
			q.Answered = true
		}
	case Hide:
		if q := s.questions[e.MessageID]; q != nil {
			q.Hidden = true
		} else if i, ok := s.chatAt[e.MessageID]; ok {
			s.Chat[i].Hidden = true
		}
	case Mute:
		s.Muted[e.UserID] = true
	case Stage:
		if !s.Started {
			s.Started, s.StartedAt = true, l.At
		}
		if s.Stage != nil && s.Stage.Slot != e.Slot {
			s.newSlot()
		}
		st := e
		s.Stage = &st
		s.Stages = append(s.Stages, l)
	case Interest:
		key := e.StartupID + ":" + l.UserID
		if !s.interest[key] {
			s.interest[key] = true
			s.Interest = append(s.Interest, InterestSignal{StartupID: e.StartupID, UserID: l.UserID, UserName: l.UserName, At: l.At})
		}
	case Ended:
		if !s.Ended {
			s.Ended, s.EndedAt = true, l.At
		}
		s.newSlot()
		s.Stages = append(s.Stages, l)
	case Speaker, OffStage, Media:
		s.applyStage(l)
	}
}

// CountReaction counts a reaction that Decide allowed.
func (s *State) CountReaction(emoji string) { s.Reactions[emoji]++ }

// RecentChat returns the latest n visible messages, oldest first.
func (s *State) RecentChat(n int) []ChatLine {
	out := []ChatLine{}
	for i := len(s.Chat) - 1; i >= 0 && len(out) < n; i-- {
		if !s.Chat[i].Hidden {
			out = append(out, s.Chat[i])
		}
	}
	slices.Reverse(out)
	return out
}

// TopQuestions returns up to n visible questions, most votes first, the
// older first among equal votes.
func (s *State) TopQuestions(n int) []*QuestionState {
	qs := make([]*QuestionState, 0, len(s.Questions))
	for _, q := range s.Questions {
		if !q.Hidden {
			qs = append(qs, q)
		}
	}
	slices.SortStableFunc(qs, func(a, b *QuestionState) int { return b.Votes - a.Votes })
	return qs[:min(n, len(qs))]
}

// Lifecycle is where the roadshow stands, as its log has it.
type Lifecycle struct {
	Started   bool
	StartedAt time.Time
	Ended     bool
	EndedAt   time.Time
}

// Lifecycle returns where the roadshow stands.
func (s *State) Lifecycle() Lifecycle {
	return Lifecycle{Started: s.Started, StartedAt: s.StartedAt, Ended: s.Ended, EndedAt: s.EndedAt}
}

// Status is the roadshow's status for lists: scheduled, live or ended.
func (l Lifecycle) Status() string {
	switch {
	case l.Ended:
		return domain.RoadshowEnded
	case l.Started:
		return domain.RoadshowLive
	}
	return domain.RoadshowScheduled
}

package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// The history an ended roadshow leaves, generated: the demo set's past
// roadshows and the scale benchmark's city (scripts/scalebench) both come
// from GenerateRoom and are stored with StorePast.

// Person is someone in a roadshow's room, as the room knew them.
type Person struct {
	UserID, Name string
	Investor     bool
}

// PastShow is an ended roadshow to generate.
type PastShow struct {
	// Roadshow is the roadshow as it was scheduled: its ID, space, host
	// (OwnerID), StartsAt and slots, each with its founder (OwnerID).
	Roadshow *domain.Roadshow
	Host     Person
	// Audience are the others who came, presenters aside; the investors
	// among them may signal interest.
	Audience []Person
	// Products name what each slot's startup makes, for the texts (may be
	// shorter than the slots).
	Products []string
	// Events is how many room events the log holds, its end included.
	Events int
	// Pages is how many pages the presenters' decks have (0: no deck).
	Pages int
}

// PastRoom is what an ended roadshow leaves: the roadshow, ended; its
// room's log as the room stores it; and who attended.
type PastRoom struct {
	Roadshow   *domain.Roadshow
	Events     []domain.RoomEvent
	Attendance []domain.Attendance
}

// HistoryStore stores ended roadshows as the server leaves them.
type HistoryStore interface {
	CreateRoadshow(ctx context.Context, r *domain.Roadshow) error
	InsertRoomEvents(ctx context.Context, es []domain.RoomEvent) error
	SaveRoomRecord(ctx context.Context, roadshowID string, events []domain.RoomEvent) (bool, error)
	InsertAttendance(ctx context.Context, as []domain.Attendance) error
}

// StorePast stores an ended roadshow: its room's events in their buckets,
// the folded record, the attendance, and last the roadshow, so that no one
// finds the roadshow before its room is complete (a record read in between
// would fold and keep an empty log). Each write keeps what is stored
// already, so storing the same room again completes an interrupted store.
func StorePast(ctx context.Context, st HistoryStore, p *PastRoom) error {
	if err := st.InsertRoomEvents(ctx, p.Events); err != nil {
		return fmt.Errorf("room events: %w", err)
	}
	if _, err := st.SaveRoomRecord(ctx, p.Roadshow.ID, p.Events); err != nil {
		return fmt.Errorf("room record: %w", err)
	}
	if err := st.InsertAttendance(ctx, p.Attendance); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	return st.CreateRoadshow(ctx, p.Roadshow)
}

// qaMinutes is each pitch's question time after its slot's minutes.
const qaMinutes = 8

// GenerateRoom plays an ended roadshow's room through the room's own rules
// (roadshow.Decide, then Apply), so that its log is one the live room
// would have stored: the host starts it (over REST: no author), each
// presenter turns their deck's pages, the host moves on to the next pitch
// and ends it; in between the audience chats, asks, votes, the presenters
// and the host mark questions answered, investors signal interest, and the
// host hides a spam message. The same rnd state gives the same room.
func GenerateRoom(rnd *rand.Rand, p PastShow) (*PastRoom, error) {
	r := p.Roadshow
	if len(r.Slots) == 0 || len(p.Audience) == 0 {
		return nil, fmt.Errorf("past roadshow %s: no slots or no audience", r.ID)
	}
	g := &room{rnd: rnd, p: p, r: r, st: roadshow.NewState(), seen: map[string]*domain.Attendance{}, slotQs: make([][]int64, len(r.Slots))}
	for range p.Audience {
		g.weights = append(g.weights, 0.2+rnd.ExpFloat64()) // a few people write most
	}
	pages := max(1, p.Pages)
	stageEvents := 2 + (pages-1)*len(r.Slots) + len(r.Slots) - 1 // start, page turns, next pitches, end
	free := p.Events - stageEvents
	if free < 0 {
		return nil, fmt.Errorf("past roadshow %s: %d events cannot hold its %d stage changes", r.ID, p.Events, stageEvents)
	}
	at := r.StartsAt.Add(time.Duration(1+rnd.IntN(4)) * time.Minute) // the host starts a little late
	early := free / 50                                               // greetings while waiting
	for i := range early {
		g.audience(r.StartsAt.Add(time.Duration(i)*(at.Sub(r.StartsAt))/time.Duration(early+1)), -1)
	}
	free -= early
	host := roadshow.Peer{UserID: p.Host.UserID, Name: p.Host.Name, Host: true}
	if err := g.system(host, roadshow.Start{}, at); err != nil {
		return nil, err
	}
	total := 0
	for _, s := range r.Slots {
		total += s.Minutes + qaMinutes
	}
	for i, s := range r.Slots {
		span := time.Duration(s.Minutes+qaMinutes) * time.Minute
		n := free * (s.Minutes + qaMinutes) / total
		if i == len(r.Slots)-1 {
			n = p.Events - 1 - len(g.log) - (pages - 1) // all that is left but the page turns and the end
		}
		times := make([]time.Duration, n)
		for k := range times {
			times[k] = time.Duration(rnd.Int64N(int64(span)))
		}
		slices.Sort(times)
		turn := 1
		for _, d := range times {
			for turn < pages && d >= time.Duration(turn)*time.Duration(s.Minutes)*time.Minute/time.Duration(pages) {
				turn++
				if err := g.turnPage(at.Add(time.Duration(turn-1)*time.Duration(s.Minutes)*time.Minute/time.Duration(pages)), turn); err != nil {
					return nil, err
				}
			}
			g.audience(at.Add(d), i)
		}
		for turn < pages { // a pitch with too few events to pass its page turns
			turn++
			if err := g.turnPage(at.Add(span*time.Duration(turn)/time.Duration(pages+1)), turn); err != nil {
				return nil, err
			}
		}
		at = at.Add(span)
		next := roadshow.Command(roadshow.Advance{})
		if i == len(r.Slots)-1 {
			next = roadshow.End{}
		}
		if err := g.system(host, next, at); err != nil {
			return nil, err
		}
	}
	if len(g.log) != p.Events {
		return nil, fmt.Errorf("past roadshow %s: generated %d events, want %d", r.ID, len(g.log), p.Events)
	}
	return g.result(), nil
}

// room is a room being played.
type room struct {
	rnd     *rand.Rand
	p       PastShow
	r       *domain.Roadshow
	st      *roadshow.State
	log     []roadshow.Logged
	weights []float64 // by Audience
	seen    map[string]*domain.Attendance
	order   []string  // seen's keys, first seen first
	slotQs  [][]int64 // the questions asked during each pitch
	spam    int64     // a spam message waiting for the host to hide it
}

// do decides c for peer at at and logs what it stores; false if the room
// refused it or it stores nothing (a second vote).
func (g *room) do(peer roadshow.Peer, c roadshow.Command, at time.Time, author bool) bool {
	at = at.UTC().Truncate(time.Millisecond) // as the database keeps times
	if n := len(g.log); n > 0 && at.Before(g.log[n-1].At) {
		at = g.log[n-1].At
	}
	d, refusal := roadshow.Decide(g.st, g.r, peer, c, at)
	if refusal != nil || len(d.Events) == 0 {
		return false
	}
	for _, e := range d.Events {
		l := roadshow.Logged{Seq: g.st.Seq + 1, At: at, Event: e}
		if author {
			l.UserID, l.UserName = peer.UserID, peer.Name
		}
		g.st.Apply(l)
		g.log = append(g.log, l)
	}
	g.attend(peer, at)
	return true
}

// system runs a lifecycle command, which the host's console sends over
// REST: the log names no author.
func (g *room) system(host roadshow.Peer, c roadshow.Command, at time.Time) error {
	if !g.do(host, c, at, false) {
		return fmt.Errorf("past roadshow %s: the room refused %T", g.r.ID, c)
	}
	return nil
}

// turnPage has the presenter on stage show page.
func (g *room) turnPage(at time.Time, page int) error {
	slot := g.r.Slots[g.st.Stage.Slot]
	presenter := roadshow.Peer{UserID: slot.OwnerID, Name: slot.Presenter, Presenter: true}
	if !g.do(presenter, roadshow.SetStage{Page: &page}, at, true) {
		return fmt.Errorf("past roadshow %s: page %d refused", g.r.ID, page)
	}
	return nil
}

// person draws someone of the audience, the talkative more often.
func (g *room) person() Person {
	total := 0.0
	for _, w := range g.weights {
		total += w
	}
	x := g.rnd.Float64() * total
	for i, w := range g.weights {
		if x < w {
			return g.p.Audience[i]
		}
		x -= w
	}
	return g.p.Audience[len(g.p.Audience)-1]
}

func (g *room) peer(p Person) roadshow.Peer {
	return roadshow.Peer{UserID: p.UserID, Name: p.Name, Investor: p.Investor, Presenter: g.r.Presents(p.UserID)}
}

// audience stores one event of the room's life at at during pitch slot
// (-1: before the start): a draw the room refuses (a second vote, a second
// interest) is drawn again, and a chat message always goes through.
func (g *room) audience(at time.Time, slot int) {
	if slot < 0 {
		who := g.person()
		g.do(g.peer(who), roadshow.SendChat{Text: pick(g.rnd, waitingLines)}, at, true)
		return
	}
	words := g.words(slot)
	for range 8 {
		who := g.person()
		var ok bool
		switch x := g.rnd.IntN(100); {
		case g.spam > 0 && x < 20:
			id := g.spam
			g.spam = 0
			ok = g.do(roadshow.Peer{UserID: g.p.Host.UserID, Name: g.p.Host.Name, Host: true}, roadshow.HideMessage{ID: id}, at, true)
		case x < 6 && len(g.st.Chat) > 0:
			ok = g.presenterSays(slot, at, words)
		case x < 9:
			ok = g.markAnswered(slot, at)
		case x < 11 && who.Investor:
			ok = g.do(g.peer(who), roadshow.SignalInterest{}, at, true)
		case x < 20:
			if ok = g.do(g.peer(who), roadshow.AskQuestion{Text: words.fill(pick(g.rnd, questionLines))}, at, true); ok {
				g.slotQs[slot] = append(g.slotQs[slot], g.st.Seq)
			}
		case x < 33 && len(g.slotQs[slot]) > 0:
			qs := g.slotQs[slot]
			ok = g.do(g.peer(who), roadshow.Upvote{ID: qs[g.rnd.IntN(len(qs))]}, at, true)
		case x == 99 && g.spam == 0 && !slices.ContainsFunc(g.st.Chat, func(c roadshow.ChatLine) bool { return c.Hidden }):
			if ok = g.do(g.peer(who), roadshow.SendChat{Text: pick(g.rnd, spamLines)}, at, true); ok {
				g.spam = g.st.Seq
			}
		default:
			ok = g.do(g.peer(who), roadshow.SendChat{Text: g.chat(words)}, at, true)
		}
		if ok {
			return
		}
	}
	g.do(g.peer(g.person()), roadshow.SendChat{Text: pick(g.rnd, chatLines)}, at, true)
}

// presenterSays has the presenter on stage, or now and then the host,
// write in the chat.
func (g *room) presenterSays(slot int, at time.Time, w slotWords) bool {
	s := g.r.Slots[slot]
	if g.rnd.IntN(4) == 0 {
		return g.do(roadshow.Peer{UserID: g.p.Host.UserID, Name: g.p.Host.Name, Host: true}, roadshow.SendChat{Text: w.fill(pick(g.rnd, hostLines))}, at, true)
	}
	return g.do(roadshow.Peer{UserID: s.OwnerID, Name: s.Presenter, Presenter: true}, roadshow.SendChat{Text: w.fill(pick(g.rnd, presenterLines))}, at, true)
}

// markAnswered has the presenter on stage mark the pitch's most voted
// question not yet answered.
func (g *room) markAnswered(slot int, at time.Time) bool {
	var best *roadshow.QuestionState
	for _, id := range g.slotQs[slot] {
		if q := g.st.Question(id); !q.Answered && !q.Hidden && (best == nil || q.Votes > best.Votes) {
			best = q
		}
	}
	if best == nil {
		return false
	}
	s := g.r.Slots[slot]
	return g.do(roadshow.Peer{UserID: s.OwnerID, Name: s.Presenter, Presenter: true}, roadshow.MarkAnswered{ID: best.ID}, at, true)
}

// attend notes that peer was in the room at at.
func (g *room) attend(p roadshow.Peer, at time.Time) {
	if p.UserID == "" {
		return
	}
	if a := g.seen[p.UserID]; a != nil {
		if at.Before(a.FirstSeen) {
			a.FirstSeen = at
		}
		if at.After(a.LastSeen) {
			a.LastSeen = at
		}
		return
	}
	role := "viewer"
	switch {
	case p.Host:
		role = "host"
	case p.Presenter:
		role = "presenter"
	case p.Investor:
		role = "investor"
	}
	g.order = append(g.order, p.UserID)
	g.seen[p.UserID] = &domain.Attendance{RoadshowID: g.r.ID, UserID: p.UserID, Name: p.Name, Role: role, FirstSeen: at, LastSeen: at}
}

// result is the ended roadshow, its log as stored and its attendance: who
// acted, from a while before their first act to a while after their last,
// and the silent share of the audience, who watched part of it.
func (g *room) result() *PastRoom {
	r := g.r
	lc := g.st.Lifecycle()
	started, ended := lc.StartedAt, lc.EndedAt
	r.Status, r.StartedAt, r.EndedAt, r.UpdatedAt = domain.RoadshowEnded, &started, &ended, ended
	if r.CreatedAt.IsZero() {
		r.CreatedAt = r.StartsAt.AddDate(0, 0, -14)
	}
	if r.Invited == nil {
		r.Invited = []string{}
	}
	events := make([]domain.RoomEvent, len(g.log))
	for i, l := range g.log {
		events[i] = roadshow.Record(r.ID, l)
	}
	for _, at := range []time.Time{started, ended} { // the host and the presenters stay throughout
		for _, s := range r.Slots {
			g.attend(roadshow.Peer{UserID: s.OwnerID, Name: s.Presenter, Presenter: true}, at)
		}
		g.attend(roadshow.Peer{UserID: g.p.Host.UserID, Name: g.p.Host.Name, Host: true}, at)
	}
	span := ended.Sub(r.StartsAt)
	for _, a := range g.p.Audience {
		if g.seen[a.UserID] == nil && g.rnd.IntN(3) > 0 {
			at := r.StartsAt.Add(time.Duration(g.rnd.Int64N(int64(span))))
			g.attend(g.peer(a), at)
			g.seen[a.UserID].LastSeen = at.Add(time.Duration(g.rnd.Int64N(int64(ended.Sub(at)) + 1)))
		}
	}
	var att []domain.Attendance
	for _, id := range g.order {
		a := g.seen[id]
		a.FirstSeen = a.FirstSeen.Add(-time.Duration(g.rnd.IntN(600)) * time.Second).Truncate(time.Millisecond)
		a.LastSeen = a.LastSeen.Add(time.Duration(g.rnd.IntN(180)) * time.Second).Truncate(time.Millisecond)
		att = append(att, *a)
	}
	slices.SortFunc(att, func(a, b domain.Attendance) int { return a.FirstSeen.Compare(b.FirstSeen) })
	return &PastRoom{Roadshow: r, Events: events, Attendance: att}
}

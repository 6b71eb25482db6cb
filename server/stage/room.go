package stage

import (
	"cmp"
	"slices"
	"strings"

	"github.com/yuechuang/yuechuang/server/roadshow"
)

// room is one roadshow's stage. Its goroutine (run) owns every field below
// the channels: it alone adds and removes publishers, viewers and their
// tracks, applies the room's rules and replaces the lists that the
// forwarding goroutines read.
type room struct {
	id      string
	s       *Stage
	ops     chan func()
	told    chan struct{} // rules or holds changed
	quit    chan struct{} // the stage is closing
	stopped chan struct{} // run has returned
	joining int           // holds (Stage.room); guarded by Stage.mu

	rules    *roadshow.StageRules
	byUser   map[string]*publisher
	sessions map[string]any // *publisher or *viewer
	live     []roadshow.LivePublisher
	joins    int64 // viewers added so far, to order them
}

// maxWatchPerPerson bounds one signed-in person's connections to one
// publisher.
const maxWatchPerPerson = 3

func newRoom(s *Stage, id string) *room {
	return &room{id: id, s: s, ops: make(chan func(), 64), told: make(chan struct{}, 1), quit: make(chan struct{}), stopped: make(chan struct{}),
		byUser: map[string]*publisher{}, sessions: map[string]any{}, live: []roadshow.LivePublisher{}}
}

// do runs f on the room's goroutine; it does not wait.
func (r *room) do(f func()) {
	select {
	case r.ops <- f:
	case <-r.stopped:
	}
}

// sync runs f on the room's goroutine and waits for it. It reports false
// if f did not run: the room stopped (the stage is closing).
func (r *room) sync(f func()) bool {
	done := make(chan struct{})
	select {
	case r.ops <- func() { f(); close(done) }:
	case <-r.stopped:
		return false
	}
	select {
	case <-done:
		return true
	case <-r.stopped:
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

// tell wakes the room to read its rules and holds again.
func (r *room) tell() {
	select {
	case r.told <- struct{}{}:
	default:
	}
}

func (r *room) run() {
	defer r.s.wg.Done()
	defer close(r.stopped)
	defer r.closeAll()
	for {
		select {
		case f := <-r.ops:
			f()
		case <-r.told:
			r.applyRules()
		case <-r.quit:
			return
		}
		if len(r.sessions) == 0 && r.s.gone(r) {
			// Nobody is left and nobody is joining: what is queued is
			// carried out (a viewer leaving), then the room goes.
			for {
				select {
				case f := <-r.ops:
					f()
				default:
					return
				}
			}
		}
	}
}

func (r *room) closeAll() {
	for _, p := range r.byUser {
		r.dropPublisher(p)
	}
}

// applyRules enforces the room's newest rules: someone who may no longer
// publish is disconnected, media held off stop flowing, and a new slot
// starts new recordings.
func (r *room) applyRules() {
	rules := r.s.newest(r.id, r.rules)
	if rules == nil || rules == r.rules {
		return
	}
	newSlot := r.rules == nil || r.rules.Slot != rules.Slot
	r.rules = rules
	for _, p := range r.byUser {
		allowed, refusal := rules.Allow(p.who)
		if refusal != nil {
			r.dropPublisher(p)
			continue
		}
		p.as = allowed.As
		p.setFlow(allowed)
		if newSlot {
			p.rotateRecordings()
		}
	}
	r.announce()
}

// addPublisher puts p on stage if the newest rules allow it, replacing the
// same person's earlier publication.
func (r *room) addPublisher(p *publisher) error {
	// Newer rules than the room enforces apply to everyone first, not
	// only to the newcomer.
	r.applyRules()
	allowed, refusal := r.rules.Allow(p.who)
	if refusal != nil {
		return refusal
	}
	if old := r.byUser[p.who.UserID]; old != nil {
		r.dropPublisher(old)
	}
	p.as = allowed.As
	p.setFlow(allowed)
	r.byUser[p.who.UserID] = p
	r.sessions[p.session] = p
	r.s.track(p.session, r)
	p.watchState()
	r.announce()
	return nil
}

// dropPublisher takes p off the stage: its connection, its viewers'
// connections and its recordings are closed.
func (r *room) dropPublisher(p *publisher) {
	if r.byUser[p.who.UserID] == p {
		delete(r.byUser, p.who.UserID)
	}
	if _, ok := r.sessions[p.session]; !ok {
		return
	}
	delete(r.sessions, p.session)
	r.s.untrack(p.session)
	for v := range p.viewers {
		r.dropViewer(v)
	}
	p.close()
	r.announce()
}

// addViewer starts forwarding p's media to v, if p is still on stage.
func (r *room) addViewer(v *viewer) error {
	p := v.pub
	if _, ok := r.sessions[p.session]; !ok {
		return ErrNotOnStage
	}
	// A signed-in person watches one publisher from a few tabs or devices
	// at most: beyond that the oldest goes (a reloaded page leaves its
	// connection behind until it times out).
	if v.who.UserID != "" {
		var mine []*viewer
		for o := range p.viewers {
			if o.who.UserID == v.who.UserID {
				mine = append(mine, o)
			}
		}
		slices.SortFunc(mine, func(a, b *viewer) int { return cmp.Compare(a.joined, b.joined) })
		for len(mine) >= maxWatchPerPerson {
			r.dropViewer(mine[0])
			mine = mine[1:]
		}
	}
	r.joins++
	v.joined = r.joins
	p.viewers[v] = struct{}{}
	r.sessions[v.session] = v
	r.s.track(v.session, r)
	p.setSinks()
	v.watchState()
	p.keyframe(v.video.wanted())
	return nil
}

func (r *room) dropViewer(v *viewer) {
	if _, ok := r.sessions[v.session]; !ok {
		return
	}
	delete(r.sessions, v.session)
	r.s.untrack(v.session)
	delete(v.pub.viewers, v)
	v.pub.setSinks()
	v.debugCounts("viewer dropped")
	go func() { _ = v.pc.Close() }() // closing waits for the connection's goroutines
}

// hangup ends a session by its id; false if there is none.
func (r *room) hangup(session string) bool {
	switch x := r.sessions[session].(type) {
	case *publisher:
		r.dropPublisher(x)
	case *viewer:
		r.dropViewer(x)
	default:
		return false
	}
	return true
}

// announce tells the room who publishes now, if that changed.
func (r *room) announce() {
	live := make([]roadshow.LivePublisher, 0, len(r.byUser))
	for _, p := range r.byUser {
		live = append(live, p.livePublisher())
	}
	slices.SortFunc(live, func(a, b roadshow.LivePublisher) int {
		return cmp.Or(rank(a.As)-rank(b.As), strings.Compare(a.UserID, b.UserID))
	})
	if slices.Equal(live, r.live) {
		return
	}
	r.live = live
	if r.s.cfg.OnLive != nil {
		r.s.cfg.OnLive(r.id, slices.Clone(live))
	}
}

// rank orders the stage: the presenter first, then the host, then speakers.
func rank(as string) int {
	switch as {
	case "presenter":
		return 0
	case "host":
		return 1
	}
	return 2
}

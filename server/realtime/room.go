package realtime

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// Room timing.
const (
	flushEvery   = time.Second // reactions and presence are sent at most this often
	storeTimeout = 5 * time.Second
	welcomeQs    = 100 // questions sent in a welcome
	welcomeChat  = 50  // latest chat messages sent in a welcome
)

type inbound struct {
	c   *client // a local connection; nil for a message another instance forwarded
	msg Inbound
	// fwd is a forwarded message (who sent it, or a lifecycle command from
	// REST instead of msg) and out where its outcome goes.
	fwd *Forwarded
	out *ForwardOutcome
}

type joinReq struct {
	c     *client
	since int64 // replay events after this seq; -1 for none
	reply chan joined
}

// commandReq is a command that did not come over the room's websocket
// (the lifecycle over REST).
type commandReq struct {
	peer  roadshow.Peer
	from  Peer // who asked, for the owner when this instance is not it
	cmd   roadshow.Command
	reply chan commandResult
}

// commandResult is the refusal, if any, and the lifecycle after.
type commandResult struct {
	refusal   *domain.Error
	lifecycle roadshow.Lifecycle
}

// room is one live roadshow. Its goroutine (run) only sequences commands,
// asks roadshow.Decide, stores what it decided, folds it into the state
// with roadshow's Apply and broadcasts it; the rules live in Decide and
// the after-effects (deal flow, notifications) run elsewhere once stored.
// All fields below the channels are owned by run's goroutine.
type room struct {
	id       string
	hub      *Hub
	inbox    chan inbound
	joins    chan joinReq
	attaches chan attachReq
	leaves   chan *client
	cmds     chan commandReq
	reloads  chan chan error
	stopped  chan struct{}
	fan      *fanout
	unsub    func()
	seq      atomic.Int64 // last stored seq; readers on other goroutines use it for error frames
	// info is the roadshow as the room last loaded it, for admission
	// checks on other goroutines; run replaces it, never changes it.
	info atomic.Pointer[domain.Roadshow]
	// shown is what is on stage, for deck reads on other goroutines
	// (Hub.OnStage); run replaces it, nil before the start and after the end.
	shown atomic.Pointer[domain.Stage]
	// rules is who may publish on the stage now (video.go); run replaces it.
	rules   atomic.Pointer[roadshow.StageRules]
	liveSig chan struct{} // the stage's publishers changed (Hub.StageLive)
	log     eventLog      // the stored events' frames, for clients catching up
	batch   []inbound     // reused by run for each batch of client messages

	rs        *domain.Roadshow
	st        *roadshow.State
	limits    map[string]map[string]*bucket // user → message type → bucket
	reactions map[string]int                // since the last flush
	present   map[string]int                // user (or guest connection) → connections
	names     map[string]string
	conns     int
	dirty     bool      // presence changed since the last flush
	empty     time.Time // since when nobody is connected; zero while someone is
	cl        clusterSide
}

func newRoom(h *Hub, rs *domain.Roadshow) *room {
	r := &room{id: rs.ID, hub: h, rs: rs, st: roadshow.NewState(),
		inbox: make(chan inbound, 1024), joins: make(chan joinReq, 256), attaches: make(chan attachReq, 256), leaves: make(chan *client, 256),
		cmds: make(chan commandReq), liveSig: make(chan struct{}, 1), reloads: make(chan chan error), stopped: make(chan struct{}),
		fan:    &fanout{clients: map[*client]struct{}{}},
		limits: map[string]map[string]*bucket{}, reactions: map[string]int{},
		present: map[string]int{}, names: map[string]string{}, empty: time.Now()}
	r.unsub = h.broker.Subscribe(r.id, r.fan.deliverAll)
	r.info.Store(rs)
	r.rules.Store(r.st.Rules(rs))
	r.cl.init(r)
	return r
}

func (r *room) lastSeq() int64 { return r.seq.Load() }

// replay rebuilds the room from its stored log: the state, and the frames
// each event made when it was stored, for clients catching up.
func (r *room) replay(log []roadshow.Logged) {
	for _, l := range log {
		r.apply(l)
	}
}

// apply folds a stored event into the state and keeps its frame.
func (r *room) apply(l roadshow.Logged) (Audience, []byte) {
	r.st.Apply(l)
	r.seq.Store(l.Seq)
	r.show(l)
	to, frame := r.frame(l)
	if frame != nil {
		r.log.append(l.Seq, to, frame)
	}
	return to, frame
}

// show keeps shown current for a stored event: decks are read as the
// stored stage has it, never ahead of the log.
func (r *room) show(l roadshow.Logged) {
	switch e := l.Event.(type) {
	case roadshow.Stage:
		r.shown.Store(&domain.Stage{Slot: e.Slot, Page: e.Page, StartupID: e.StartupID})
	case roadshow.Ended:
		r.shown.Store(nil)
	}
	if roadshow.StageKind(l.Event) {
		r.stageChanged()
	}
}

// run is the room's goroutine.
func (r *room) run() {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	defer close(r.stopped)
	defer r.unsub()
	defer r.fan.closeAll()
	defer r.cl.stop(r)
	for {
		select {
		case m := <-r.cl.remote:
			r.receive(m)
		case res := <-r.cl.forwarded:
			r.settle(res)
		case s := <-r.cl.served:
			if !r.serveForwarded(s) {
				r.hub.forget(r)
				return
			}
		case <-r.cl.tick:
			r.clusterTick()
		case j := <-r.joins:
			r.join(j)
		case a := <-r.attaches:
			r.attach(a)
		case c := <-r.leaves:
			r.leave(c)
		case in := <-r.inbox:
			batch := append(r.batch[:0], in)
		more:
			for len(batch) < maxBatch {
				select {
				case in := <-r.inbox:
					batch = append(batch, in)
				default:
					break more
				}
			}
			r.batch = batch
			if !r.handleBatch(batch) {
				r.hub.forget(r) // its state is ahead of the store: the next use rebuilds it from the log
				return
			}
		case cmd := <-r.cmds:
			if !r.deciding() {
				r.forwardCommand(cmd)
				continue
			}
			_, refusal, ok := r.do(cmd.peer, cmd.cmd)
			cmd.reply <- commandResult{refusal: refusal, lifecycle: r.st.Lifecycle()}
			if !ok {
				r.hub.forget(r)
				return
			}
		case reply := <-r.reloads:
			reply <- r.reload()
		case <-r.liveSig:
			r.sendLive()
		case <-t.C:
			r.flush()
			if r.conns == 0 && time.Since(r.empty) >= r.hub.idle && r.hub.unload(r) {
				return
			}
		case <-r.hub.done:
			return
		}
	}
}

// do decides a command that does not come over the socket (the lifecycle
// over REST) and carries it out like a batch of one. It returns the
// room's seq after, and whether the room must stop (the store failed).
func (r *room) do(p roadshow.Peer, cmd roadshow.Command) (int64, *domain.Error, bool) {
	now := time.Now()
	d, refusal := roadshow.Decide(r.st, r.rs, p, cmd, now)
	if refusal != nil {
		return 0, refusal, true
	}
	var events []staged
	for _, e := range d.Events {
		l := roadshow.Logged{Seq: r.st.Seq + 1, At: now.UTC(), UserID: p.UserID, UserName: p.Name, Event: e}
		r.st.Apply(l)
		to, frame := r.frame(l)
		events = append(events, staged{l: l, to: to, frame: frame, effect: r.afterEffect(l)})
	}
	if !r.commit(events) {
		return 0, errStore, false
	}
	return r.lastSeq(), nil, true
}

func (r *room) reject(c *client, ref string, e *domain.Error) {
	c.enqueue(errorFrame(r.lastSeq(), e.Code, e.Detail, ref))
}

func (r *room) ack(c *client, ref string, seq int64) {
	if ref != "" {
		c.enqueue(encode("ack", seq, time.Now(), ackData{Ref: ref, Seq: seq}))
	}
}

func (r *room) allow(u, typ string) bool {
	if r.limits[u] == nil {
		r.limits[u] = newLimits()
	}
	b := r.limits[u][typ]
	return b == nil || b.allow(time.Now())
}

// reload re-reads the roadshow after it was changed (visibility, invited,
// stream): rooms admit from memory.
func (r *room) reload() error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	rs, err := r.hub.store.RoadshowByID(ctx, r.id)
	if err != nil {
		return err
	}
	r.rs = rs
	r.info.Store(rs)
	r.stageChanged() // the presenter of a slot may have changed
	return nil
}

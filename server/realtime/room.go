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
	c   *client
	msg Inbound
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
	log  eventLog // the stored events' frames, for clients catching up

	rs        *domain.Roadshow
	st        *roadshow.State
	limits    map[string]map[string]*bucket // user → message type → bucket
	reactions map[string]int                // since the last flush
	present   map[string]int                // user (or guest connection) → connections
	names     map[string]string
	conns     int
	dirty     bool      // presence changed since the last flush
	empty     time.Time // since when nobody is connected; zero while someone is
}

func newRoom(h *Hub, rs *domain.Roadshow) *room {
	r := &room{id: rs.ID, hub: h, rs: rs, st: roadshow.NewState(),
		inbox: make(chan inbound, 1024), joins: make(chan joinReq, 256), attaches: make(chan attachReq, 256), leaves: make(chan *client, 256),
		cmds: make(chan commandReq), reloads: make(chan chan error), stopped: make(chan struct{}),
		fan:    &fanout{clients: map[*client]struct{}{}},
		limits: map[string]map[string]*bucket{}, reactions: map[string]int{},
		present: map[string]int{}, names: map[string]string{}, empty: time.Now()}
	r.unsub = h.broker.Subscribe(r.id, r.fan.deliver)
	r.info.Store(rs)
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
	to, frame := r.frame(l)
	if frame != nil {
		r.log.append(l.Seq, to, frame)
	}
	return to, frame
}

// run is the room's goroutine.
func (r *room) run() {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	defer close(r.stopped)
	defer r.unsub()
	defer r.fan.closeAll()
	for {
		select {
		case j := <-r.joins:
			r.join(j)
		case a := <-r.attaches:
			r.attach(a)
		case c := <-r.leaves:
			r.leave(c)
		case in := <-r.inbox:
			r.handle(in.c, in.msg)
		case cmd := <-r.cmds:
			_, refusal := r.do(cmd.peer, cmd.cmd)
			cmd.reply <- commandResult{refusal: refusal, lifecycle: r.st.Lifecycle()}
		case reply := <-r.reloads:
			reply <- r.reload()
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

// handle carries out one client message: parse it, hold it to the
// sender's rate, and do it.
func (r *room) handle(c *client, in Inbound) {
	cmd, bad := parseCommand(in)
	if bad != nil {
		r.reject(c, in.Ref, bad)
		return
	}
	if c.peer.UserID != "" && !r.allow(c, in.Type) {
		r.reject(c, in.Ref, errRateLimited)
		return
	}
	seq, refusal := r.do(c.as, cmd)
	if refusal != nil {
		r.reject(c, in.Ref, refusal)
		return
	}
	r.ack(c, in.Ref, seq)
}

var (
	errRateLimited = &domain.Error{Kind: domain.KindRateLimited, Code: ErrRateLimited, Detail: "操作过于频繁，请稍后 / too fast, slow down"}
	errStore       = &domain.Error{Kind: domain.KindUnavailable, Code: ErrUnavailable, Detail: "暂时无法保存，请重试 / could not save, please retry"}
)

// do decides a command and carries out the decision: each event is
// stored, then folded, broadcast and handed to the after-effects. Nothing
// is acknowledged that is not stored. It returns the room's seq after.
func (r *room) do(p roadshow.Peer, cmd roadshow.Command) (int64, *domain.Error) {
	d, refusal := roadshow.Decide(r.st, r.rs, p, cmd, time.Now())
	if refusal != nil {
		return 0, refusal
	}
	for _, e := range d.Events {
		l := roadshow.Logged{Seq: r.lastSeq() + 1, At: time.Now().UTC(), UserID: p.UserID, UserName: p.Name, Event: e}
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		err := r.hub.store.AppendRoomEvent(ctx, roadshow.Record(r.id, l))
		cancel()
		if err != nil {
			r.hub.log.Error("store room event", "roadshow", r.id, "kind", e.Kind(), "err", err)
			return 0, errStore
		}
		if to, frame := r.apply(l); frame != nil {
			r.hub.broker.Publish(r.id, Delivery{To: to, Seq: l.Seq, Frame: frame})
		}
		r.hub.after(r.afterEffect(l))
	}
	if d.Reaction != "" {
		r.st.CountReaction(d.Reaction)
		r.reactions[d.Reaction]++
	}
	if d.Hand {
		r.hub.broker.Publish(r.id, Delivery{To: Audience{Hosts: true}, Frame: encode("hand", r.lastSeq(), time.Now(),
			handData{UserID: p.UserID, UserName: p.Name})})
	}
	return r.lastSeq(), nil
}

func (r *room) reject(c *client, ref string, e *domain.Error) {
	c.enqueue(errorFrame(r.lastSeq(), e.Code, e.Detail, ref))
}

func (r *room) ack(c *client, ref string, seq int64) {
	if ref != "" {
		c.enqueue(encode("ack", seq, time.Now(), ackData{Ref: ref, Seq: seq}))
	}
}

func (r *room) allow(c *client, typ string) bool {
	u := c.peer.UserID
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
	return nil
}

// flush sends aggregated reactions and presence, at most once a tick.
func (r *room) flush() {
	now := time.Now()
	if len(r.reactions) > 0 {
		r.hub.broker.Publish(r.id, Delivery{To: Audience{All: true}, Frame: encode("reaction", r.lastSeq(), now,
			reactionData{Delta: r.reactions, Totals: r.st.Reactions})})
		r.reactions = map[string]int{}
	}
	if r.dirty {
		r.dirty = false
		r.hub.broker.Publish(r.id, Delivery{To: Audience{All: true}, Frame: encode("presence", r.lastSeq(), now, presenceData{Count: r.conns})})
		var who []presentData
		for k, n := range r.present {
			if k != "guest" {
				who = append(who, presentData{UserID: k, Name: r.names[k], Connections: n})
			}
		}
		if len(who) <= 2000 { // the host's list of who is here; beyond that, the count says it
			guests := r.present["guest"]
			r.hub.broker.Publish(r.id, Delivery{To: Audience{Hosts: true}, Frame: encode("presence", r.lastSeq(), now,
				presenceData{Count: r.conns, Guests: &guests, Who: who})})
		}
	}
}

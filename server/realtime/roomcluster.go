package realtime

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// clusterSide is a room's part among several instances (Hub.cluster); it
// stays off in one process. The owner decides, stores and publishes what
// it stored; every other instance folds what the owner publishes into its
// own copy of the state with the same Apply, serves its own connections
// from it, and forwards their messages to the owner. Fields are the room
// goroutine's, but for the channels and lost.
type clusterSide struct {
	on      bool
	owner   bool
	lease   uint64    // the lease's revision while owner
	leaseAt time.Time // when the lease was last taken or renewed (before asking)

	ticker    *time.Ticker
	tick      <-chan time.Time // nil when off
	nextClaim time.Time
	remote    chan RoomMessage
	lost      atomic.Bool // a message did not fit in remote: read the log again
	owning    atomic.Bool // owner, for other goroutines (tests, logs)
	unsub     func()
	served    chan served
	unserve   func()
	forwards  chan forwardJob
	forwarded chan forwardResult
	waiting   []waiter // acks and commands waiting for the owner's events to arrive
	others    map[string]otherPresence
	toldAt    time.Time
}

type otherPresence struct {
	p  InstancePresence
	at time.Time
}

// presenceEvery is how often an instance repeats its presence unchanged;
// an instance not heard of for presenceGone no longer counts.
const (
	presenceEvery = 2 * time.Second
	presenceGone  = 3 * presenceEvery
)

func (cs *clusterSide) init(r *room) {
	if r.hub.cluster == nil {
		return
	}
	cs.on = true
	cs.remote = make(chan RoomMessage, 4096)
	cs.served = make(chan served)
	cs.forwards = make(chan forwardJob, 64)
	cs.forwarded = make(chan forwardResult, 64)
	cs.others = map[string]otherPresence{}
}

// start subscribes to the room's messages, before the log is read, so that
// nothing published meanwhile is missed (what was read already is skipped).
func (cs *clusterSide) start(r *room) error {
	unsub, err := r.hub.cluster.SubscribeRoom(r.id, func(m RoomMessage) {
		select {
		case cs.remote <- m:
		default:
			cs.lost.Store(true)
		}
	})
	if err != nil {
		return err
	}
	cs.unsub = unsub
	cs.ticker = time.NewTicker(claimEvery / 2)
	cs.tick = cs.ticker.C
	go r.forwardLoop()
	return nil
}

// stop runs when the room's goroutine ends: the lease is given up so that
// another instance takes the room at once, and held commands are refused.
func (cs *clusterSide) stop(r *room) {
	if !cs.on {
		return
	}
	if cs.ticker != nil {
		cs.ticker.Stop()
	}
	if cs.unsub != nil {
		cs.unsub()
	}
	if cs.owner {
		r.demote()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r.hub.cluster.ReleaseRoom(ctx, r.id, cs.lease)
		cancel()
	}
	for _, w := range cs.waiting {
		if w.cmd != nil {
			w.cmd.reply <- commandResult{refusal: errStore}
		}
	}
	cs.waiting = nil
}

// deciding reports whether this instance decides the room's commands: it
// is alone, or owns the room by a lease fresh enough that nobody else can
// have taken it.
func (r *room) deciding() bool {
	if !r.cl.on {
		return true
	}
	if r.cl.owner && time.Since(r.cl.leaseAt) >= leaseSafe {
		r.hub.log.Warn("room lease not renewed in time; no longer deciding", "roadshow", r.id)
		r.demote()
	}
	return r.cl.owner
}

func (r *room) demote() {
	r.cl.owner = false
	r.cl.owning.Store(false)
	if r.cl.unserve != nil {
		r.cl.unserve()
		r.cl.unserve = nil
	}
}

// publish sends frames that are not stored events (reactions, raised
// hands) to this instance's connections and to the other instances'.
func (r *room) publish(ds ...Delivery) {
	r.hub.broker.Publish(r.id, ds...)
	if r.cl.on {
		r.hub.cluster.PublishRoom(r.id, RoomMessage{From: r.hub.cluster.Instance(), Frames: ds})
	}
}

// published tells the other instances what the owner has just stored.
func (cs *clusterSide) published(r *room, records []domain.RoomEvent) {
	if cs.on {
		r.hub.cluster.PublishRoom(r.id, RoomMessage{From: r.hub.cluster.Instance(), Events: records})
	}
}

// tellPresence tells the others who is connected here when it changed, and
// every presenceEvery anyway so that they know this instance is alive.
func (cs *clusterSide) tellPresence(r *room, now time.Time, changed bool, p InstancePresence) {
	if !cs.on || (!changed && now.Sub(cs.toldAt) < presenceEvery) {
		return
	}
	cs.toldAt = now
	r.hub.cluster.PublishRoom(r.id, RoomMessage{From: r.hub.cluster.Instance(), Presence: &p})
}

// expireOthers forgets instances not heard of for presenceGone.
func (cs *clusterSide) expireOthers(now time.Time) bool {
	gone := false
	for k, o := range cs.others {
		if now.Sub(o.at) > presenceGone {
			delete(cs.others, k)
			gone = true
		}
	}
	return gone
}

// receive handles a message from the cluster.
func (r *room) receive(m RoomMessage) {
	if m.From == r.hub.cluster.Instance() {
		return
	}
	if m.Reload {
		if err := r.reload(); err != nil {
			r.hub.log.Warn("room reload", "roadshow", r.id, "err", err)
		}
	}
	if p := m.Presence; p != nil {
		old, ok := r.cl.others[m.From]
		if !ok || old.p.Count != p.Count || old.p.Guests != p.Guests || len(old.p.Who) != len(p.Who) {
			r.dirty = true
		}
		r.cl.others[m.From] = otherPresence{p: *p, at: time.Now()}
	}
	if len(m.Events) > 0 {
		if r.cl.owner {
			// Someone else decided while this instance thought it owned
			// the room: its lease is gone.
			r.hub.log.Warn("room events from another owner", "roadshow", r.id, "from", m.From)
			r.demote()
		}
		r.applyRemote(m.Events)
	}
	if len(m.Frames) > 0 {
		r.hub.broker.Publish(r.id, m.Frames...)
	}
}

// applyRemote folds the owner's stored events into this copy, in order,
// and delivers their frames here. A gap (a message lost, or a new owner
// that found events its predecessor stored but never published) is filled
// from the stored log.
func (r *room) applyRemote(records []domain.RoomEvent) {
	var ds []Delivery
	for _, rec := range records {
		if rec.Seq <= r.st.Seq {
			continue
		}
		if rec.Seq > r.st.Seq+1 {
			ds = append(ds, r.resync()...)
			if rec.Seq <= r.st.Seq {
				continue
			}
		}
		l, err := roadshow.FromRecord(rec)
		if err != nil {
			r.hub.log.Error("room event from the cluster", "roadshow", r.id, "seq", rec.Seq, "err", err)
			continue
		}
		if to, frame := r.apply(l); frame != nil {
			ds = append(ds, Delivery{To: to, Seq: l.Seq, Frame: frame})
		}
	}
	if len(ds) > 0 {
		r.hub.broker.Publish(r.id, ds...)
	}
	r.releaseWaiting()
}

// resync folds the stored events this copy lacks and returns their frames
// for its connections.
func (r *room) resync() []Delivery {
	ds, _ := r.readLog()
	return ds
}

// readLog is resync that also returns the events it found.
func (r *room) readLog() ([]Delivery, []domain.RoomEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	records, err := r.hub.store.RoomEvents(ctx, r.id)
	cancel()
	if err != nil {
		r.hub.log.Warn("room log", "roadshow", r.id, "err", err)
		return nil, nil
	}
	var ds []Delivery
	var found []domain.RoomEvent
	for _, rec := range records {
		if rec.Seq <= r.st.Seq {
			continue
		}
		l, err := roadshow.FromRecord(rec)
		if err != nil {
			r.hub.log.Error("stored room event", "roadshow", r.id, "seq", rec.Seq, "err", err)
			continue
		}
		found = append(found, rec)
		if to, frame := r.apply(l); frame != nil {
			ds = append(ds, Delivery{To: to, Seq: l.Seq, Frame: frame})
		}
	}
	return ds, found
}

// clusterTick keeps the lease: the owner renews it, the others try to take
// it (it is free once its owner stopped renewing: gone, or stopped).
func (r *room) clusterTick() {
	now := time.Now()
	if r.cl.lost.Swap(false) || (len(r.cl.waiting) > 0 && now.Sub(r.cl.waiting[0].since) > time.Second) {
		if ds := r.resync(); len(ds) > 0 {
			r.hub.broker.Publish(r.id, ds...)
		}
		r.releaseWaiting()
	}
	if r.cl.owner {
		if now.Sub(r.cl.leaseAt) >= leaseRenew {
			ctx, cancel := context.WithTimeout(context.Background(), leaseRenew)
			rev, err := r.hub.cluster.RenewRoom(ctx, r.id, r.cl.lease)
			cancel()
			if err != nil {
				r.hub.log.Warn("room lease lost", "roadshow", r.id, "err", err)
				r.demote()
				return
			}
			r.cl.lease, r.cl.leaseAt = rev, now
		}
		return
	}
	if now.Before(r.cl.nextClaim) {
		return
	}
	r.cl.nextClaim = now.Add(claimEvery)
	r.tryClaim()
}

// tryClaim takes the room if nobody owns it: it then reads what the log
// holds beyond its copy (what a dead owner stored but did not publish),
// tells the others, and starts answering forwarded commands.
func (r *room) tryClaim() {
	at := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), leaseRenew)
	rev, err := r.hub.cluster.ClaimRoom(ctx, r.id)
	cancel()
	if err != nil {
		if !errors.Is(err, ErrRoomHeld) {
			r.hub.log.Warn("claim room", "roadshow", r.id, "err", err)
		}
		return
	}
	r.cl.owner, r.cl.lease, r.cl.leaseAt = true, rev, at
	r.cl.owning.Store(true)
	ds, found := r.readLog()
	if len(ds) > 0 {
		r.hub.broker.Publish(r.id, ds...)
	}
	if len(found) > 0 {
		r.cl.published(r, found)
	}
	unserve, err := r.hub.cluster.ServeRoom(r.id, r.serveFromCluster)
	if err != nil {
		r.hub.log.Warn("serve room", "roadshow", r.id, "err", err)
		r.demote()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r.hub.cluster.ReleaseRoom(ctx, r.id, rev)
		cancel()
		return
	}
	r.cl.unserve = unserve
	r.hub.log.Info("room owned", "roadshow", r.id, "seq", r.st.Seq)
	r.releaseWaiting()
}

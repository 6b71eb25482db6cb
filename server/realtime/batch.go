package realtime

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// maxBatch bounds the client messages carried out together: every event
// they make is stored in one write (a bucket of the log at a time), then
// broadcast and acknowledged. Storing is what a room waits on; a busy
// room's messages share it instead of queueing one store each.
const maxBatch = 256

// staged is an event decided and folded into the state, with its frame and
// after-effect, waiting for its batch to be stored.
type staged struct {
	l      roadshow.Logged
	to     Audience
	frame  []byte
	effect func(ctx context.Context) error
}

// outcome is what a client message of a batch gets: a refusal, or an ack
// at seq and perhaps a raised hand to pass on.
type outcome struct {
	c       *client
	ref     string
	out     *ForwardOutcome
	as      roadshow.Peer
	refusal *domain.Error
	seq     int64
	hand    bool
}

// handleBatch carries out client messages that arrived together: each is
// parsed, held to its sender's rate and decided against the state as the
// ones before it left it; their events are stored in one write, then
// broadcast, handed to the after-effects and acknowledged. If the store
// fails nothing is acknowledged and it returns false: the state is ahead
// of the store, so the room stops and is rebuilt from the log.
func (r *room) handleBatch(batch []inbound) bool {
	if !r.deciding() {
		r.forward(batch) // another instance owns the room
		return true
	}
	now := time.Now()
	var events []staged
	outs := make([]outcome, len(batch))
	for i, in := range batch {
		o := &outs[i]
		o.c, o.ref, o.out = in.c, in.msg.Ref, in.out
		cmd, bad, limited := r.commandOf(in)
		o.as = r.sender(in)
		switch {
		case bad != nil:
			o.refusal = bad
		case limited && o.as.UserID != "" && !r.allow(o.as.UserID, in.msg.Type):
			o.refusal = errRateLimited
		}
		if o.refusal != nil {
			continue
		}
		if inv, ok := cmd.(roadshow.InviteSpeaker); ok {
			inv.Name = r.nameOf(inv.UserID) // the room knows who is here; Decide refuses someone absent
			cmd = inv
		}
		d, refusal := roadshow.Decide(r.st, r.rs, o.as, cmd, now)
		if refusal != nil {
			o.refusal = refusal
			continue
		}
		for _, e := range d.Events {
			l := roadshow.Logged{Seq: r.st.Seq + 1, At: now.UTC(), UserID: o.as.UserID, UserName: o.as.Name, Event: e}
			r.st.Apply(l)
			to, frame := r.frame(l)
			events = append(events, staged{l: l, to: to, frame: frame, effect: r.afterEffect(l)})
		}
		if d.Reaction != "" {
			r.st.CountReaction(d.Reaction)
			r.reactions[d.Reaction]++
		}
		o.seq, o.hand = r.st.Seq, d.Hand
	}
	if !r.commit(events) {
		for _, o := range outs {
			r.answer(o, cmpRefusal(o.refusal, errStore))
		}
		return false
	}
	for _, o := range outs {
		if o.refusal == nil && o.hand {
			r.publish(Delivery{To: Audience{Hosts: true}, Frame: encode("hand", r.lastSeq(), now,
				handData{UserID: o.as.UserID, UserName: o.as.Name})})
		}
		r.answer(o, o.refusal)
	}
	return true
}

func cmpRefusal(e, otherwise *domain.Error) *domain.Error {
	if e != nil {
		return e
	}
	return otherwise
}

// commit stores staged events in one write, then keeps their frames,
// broadcasts them and starts their after-effects. It reports false if the
// store failed; nothing is then broadcast.
func (r *room) commit(events []staged) bool {
	if len(events) == 0 {
		return true
	}
	records := make([]domain.RoomEvent, len(events))
	for i, e := range events {
		records[i] = roadshow.Record(r.id, e.l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	err := r.hub.store.AppendRoomEvents(ctx, records)
	cancel()
	if err != nil {
		r.hub.log.Error("store room events", "roadshow", r.id, "events", len(events), "err", err)
		return false
	}
	r.cl.published(r, records)
	ds := make([]Delivery, 0, len(events))
	for _, e := range events {
		r.seq.Store(e.l.Seq)
		r.show(e.l)
		if e.frame != nil {
			r.log.append(e.l.Seq, e.to, e.frame)
			ds = append(ds, Delivery{To: e.to, Seq: e.l.Seq, Frame: e.frame})
		}
		r.hub.after(e.effect)
	}
	if len(ds) > 0 {
		r.hub.broker.Publish(r.id, ds...)
	}
	return true
}

var (
	errRateLimited = &domain.Error{Kind: domain.KindRateLimited, Code: ErrRateLimited, Detail: "too fast, slow down"}
	errStore       = &domain.Error{Kind: domain.KindUnavailable, Code: ErrUnavailable, Detail: "could not save, please retry"}
)

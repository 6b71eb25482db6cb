package realtime

import (
	"context"
	"time"
)

// served is a batch another instance forwarded, waiting for this room.
type served struct {
	batch ForwardBatch
	reply chan ForwardReply
}

// forwardJob is what a non-owner sends on: its connections' messages or
// a lifecycle command from REST.
type forwardJob struct {
	batch ForwardBatch
	to    []answerTo // who gets each item's outcome
}

// answerTo is where a forwarded item's outcome goes: a local connection's
// ack or refusal, or a REST command's reply.
type answerTo struct {
	c   *client
	ref string
	cmd *commandReq
}

type forwardResult struct {
	job   forwardJob
	reply ForwardReply
	err   error
}

// waiter is an answer held until the event it acknowledges has arrived,
// so a client never sees its ack before the event.
type waiter struct {
	seq   int64
	c     *client
	ref   string
	cmd   *commandReq
	since time.Time
}

// serveFromCluster runs on the cluster's goroutine: it hands a forwarded
// batch to the room and waits for the outcomes.
func (r *room) serveFromCluster(b ForwardBatch) ForwardReply {
	s := served{batch: b, reply: make(chan ForwardReply, 1)}
	t := time.NewTimer(storeTimeout)
	defer t.Stop()
	select {
	case r.cl.served <- s:
	case <-r.stopped:
		return refuseAll(len(b.Items))
	case <-t.C:
		return refuseAll(len(b.Items))
	}
	select {
	case rep := <-s.reply:
		return rep
	case <-r.stopped:
		return refuseAll(len(b.Items))
	}
}

func refuseAll(n int) ForwardReply {
	out := make([]ForwardOutcome, n)
	for i := range out {
		out[i].Refusal = errStore
	}
	return ForwardReply{Outcomes: out}
}

// serveForwarded carries out a forwarded batch like the room's own. It
// reports false if the store failed (the room then stops).
func (r *room) serveForwarded(s served) bool {
	if !r.deciding() {
		s.reply <- refuseAll(len(s.batch.Items))
		return true
	}
	outs := make([]ForwardOutcome, len(s.batch.Items))
	batch := make([]inbound, len(s.batch.Items))
	for i := range s.batch.Items {
		batch[i] = inbound{msg: s.batch.Items[i].Msg, fwd: &s.batch.Items[i], out: &outs[i]}
	}
	ok := r.handleBatch(batch)
	s.reply <- ForwardReply{Outcomes: outs}
	return ok
}

// forward sends a batch of this instance's connections' messages to the
// owner, in order, without waiting for the answer here.
func (r *room) forward(batch []inbound) {
	var job forwardJob
	for _, in := range batch {
		job.batch.Items = append(job.batch.Items, Forwarded{Peer: in.c.peer, Msg: in.msg})
		job.to = append(job.to, answerTo{c: in.c, ref: in.msg.Ref})
	}
	select {
	case r.cl.forwards <- job:
	default:
		for _, in := range batch {
			r.reject(in.c, in.msg.Ref, errStore)
		}
	}
}

// forwardCommand sends a lifecycle command from REST to the owner.
func (r *room) forwardCommand(cmd commandReq) {
	job := forwardJob{to: []answerTo{{cmd: &cmd}}, batch: ForwardBatch{Items: []Forwarded{{Peer: cmd.from, Lifecycle: LifecycleName(cmd.cmd)}}}}
	select {
	case r.cl.forwards <- job:
	default:
		cmd.reply <- commandResult{refusal: errStore}
	}
}

// forwardLoop is the room's one forwarder: batches reach the owner in the
// order they were sent.
func (r *room) forwardLoop() {
	for {
		select {
		case job := <-r.cl.forwards:
			// Everything queued meanwhile goes in the same request: one
			// round trip to the owner at a time, however busy the room.
		more:
			for len(job.batch.Items) < maxBatch {
				select {
				case j := <-r.cl.forwards:
					job.batch.Items = append(job.batch.Items, j.batch.Items...)
					job.to = append(job.to, j.to...)
				default:
					break more
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
			rep, err := r.hub.cluster.ForwardRoom(ctx, r.id, job.batch)
			cancel()
			select {
			case r.cl.forwarded <- forwardResult{job: job, reply: rep, err: err}:
			case <-r.stopped:
				return
			}
		case <-r.stopped:
			return
		}
	}
}

// settle answers forwarded messages: refusals at once, acks once the
// events they acknowledge have arrived here.
func (r *room) settle(res forwardResult) {
	n := len(res.job.batch.Items)
	if res.err != nil || len(res.reply.Outcomes) != n {
		// Nobody answered for the room: try to take it now.
		r.cl.nextClaim = time.Time{}
		res.reply = refuseAll(n)
	}
	now := time.Now()
	for i, o := range res.reply.Outcomes {
		to := res.job.to[i]
		w := waiter{seq: o.Seq, since: now, c: to.c, ref: to.ref, cmd: to.cmd}
		if o.Refusal != nil {
			if w.cmd != nil {
				w.cmd.reply <- commandResult{refusal: o.Refusal}
			} else {
				r.reject(w.c, w.ref, o.Refusal)
			}
			continue
		}
		r.cl.waiting = append(r.cl.waiting, w)
	}
	r.releaseWaiting()
}

// releaseWaiting sends the held answers whose events this copy now has.
func (r *room) releaseWaiting() {
	keep := r.cl.waiting[:0]
	for _, w := range r.cl.waiting {
		switch {
		case w.seq > r.st.Seq:
			keep = append(keep, w)
		case w.cmd != nil:
			w.cmd.reply <- commandResult{lifecycle: r.st.Lifecycle()}
		default:
			r.ack(w.c, w.ref, w.seq)
		}
	}
	clear(r.cl.waiting[len(keep):])
	r.cl.waiting = keep
}

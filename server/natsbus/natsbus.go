// Package natsbus lets several instances of the platform serve the same
// roadshow rooms and notifications through NATS (NATS_URL): room events,
// forwarded commands and live notifications cross instances as NATS
// messages; websocket tickets and room leases live in JetStream key-value
// buckets, whose revisions give compare-and-set across processes. It is
// the only user of the NATS client; docs/REALTIME.md has the topology.
package natsbus

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/realtime"
)

// Bucket names and subjects.
const (
	ticketBucket = "yc_tickets"
	leaseBucket  = "yc_room_leases"
	notesSubject = "yc.notes"
)

func roomSubject(room string) string    { return "yc.room." + room + ".ev" }
func commandSubject(room string) string { return "yc.room." + room + ".cmd" }

// Bus is one instance's connection to the others. It implements
// realtime.Cluster, issues and redeems tickets any instance accepts, and
// carries live notifications to every instance. It is safe for concurrent
// use.
type Bus struct {
	nc       *nats.Conn
	tickets  jetstream.KeyValue
	leases   jetstream.KeyValue
	instance string
	log      *slog.Logger
}

// Connect connects to url and makes the buckets if they do not exist.
func Connect(ctx context.Context, url string, log *slog.Logger) (*Bus, error) {
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	b := &Bus{instance: hex.EncodeToString(id), log: log}
	nc, err := nats.Connect(url, nats.Name("yuechuang-"+b.instance), nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, fmt.Errorf("connect to NATS at %s: %w", url, err)
	}
	b.nc = nc
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("NATS JetStream: %w", err)
	}
	// Memory storage: a ticket lives 30 s and a lease seconds; after a
	// restart of NATS, sessions ask again and owners claim again.
	if b.tickets, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: ticketBucket, TTL: realtime.TicketTTL,
		History: 1, Storage: jetstream.MemoryStorage}); err != nil {
		nc.Close()
		return nil, fmt.Errorf("NATS ticket bucket (JetStream enabled?): %w", err)
	}
	if b.leases, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: leaseBucket, TTL: realtime.LeaseTTL,
		History: 1, Storage: jetstream.MemoryStorage}); err != nil {
		nc.Close()
		return nil, fmt.Errorf("NATS lease bucket: %w", err)
	}
	return b, nil
}

// Close drains and closes the connection.
func (b *Bus) Close() {
	if err := b.nc.Drain(); err != nil {
		b.nc.Close()
	}
}

// Ping checks the connection, for /readyz.
func (b *Bus) Ping(ctx context.Context) error {
	if !b.nc.IsConnected() {
		return errors.New("NATS: not connected")
	}
	return b.nc.FlushWithContext(ctx)
}

// Instance names this process.
func (b *Bus) Instance() string { return b.instance }

// opTimeout bounds one bucket operation that has no caller's context.
const opTimeout = 3 * time.Second

// Issue stores a single-use ticket for p that any instance redeems.
func (b *Bus) Issue(p realtime.Peer) (string, time.Time) {
	raw := make([]byte, 24)
	_, _ = rand.Read(raw)
	tok := base64.RawURLEncoding.EncodeToString(raw)
	exp := time.Now().Add(realtime.TicketTTL)
	v, _ := json.Marshal(p)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if _, err := b.tickets.Create(ctx, tok, v); err != nil {
		// The ticket is refused at redemption; the client asks again.
		b.log.Warn("store ticket", "err", err)
	}
	return tok, exp
}

// Redeem returns a ticket's peer and deletes it, once: the delete names the
// revision read, so of two instances redeeming the same ticket one wins.
func (b *Bus) Redeem(tok string) (realtime.Peer, bool) {
	if tok == "" || len(tok) > 64 {
		return realtime.Peer{}, false
	}
	for _, r := range tok {
		if !(r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return realtime.Peer{}, false
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	e, err := b.tickets.Get(ctx, tok)
	if err != nil {
		return realtime.Peer{}, false
	}
	if time.Since(e.Created()) > realtime.TicketTTL {
		return realtime.Peer{}, false
	}
	if err := b.tickets.Delete(ctx, tok, jetstream.LastRevision(e.Revision())); err != nil {
		return realtime.Peer{}, false
	}
	var p realtime.Peer
	if json.Unmarshal(e.Value(), &p) != nil {
		return realtime.Peer{}, false
	}
	return p, true
}

// ClaimRoom creates the room's lease, which fails if another holds it.
func (b *Bus) ClaimRoom(ctx context.Context, room string) (uint64, error) {
	rev, err := b.leases.Create(ctx, room, []byte(b.instance))
	if errors.Is(err, jetstream.ErrKeyExists) {
		return 0, realtime.ErrRoomHeld
	}
	return rev, err
}

// RenewRoom rewrites the lease at the revision it holds, which fails if it
// expired and someone else took it meanwhile.
func (b *Bus) RenewRoom(ctx context.Context, room string, lease uint64) (uint64, error) {
	return b.leases.Update(ctx, room, []byte(b.instance), lease)
}

// ReleaseRoom deletes the lease if it is still the one held.
func (b *Bus) ReleaseRoom(ctx context.Context, room string, lease uint64) {
	if err := b.leases.Delete(ctx, room, jetstream.LastRevision(lease)); err != nil {
		b.log.Debug("release room lease", "roadshow", room, "err", err)
	}
}

// PublishRoom sends m to the instances serving room. NATS keeps one
// publisher's messages in order for each subscriber.
func (b *Bus) PublishRoom(room string, m realtime.RoomMessage) {
	data, err := json.Marshal(m)
	if err == nil {
		err = b.nc.Publish(roomSubject(room), data)
	}
	if err != nil {
		b.log.Warn("publish room message", "roadshow", room, "err", err)
	}
}

// SubscribeRoom calls fn with each message of room, in order.
func (b *Bus) SubscribeRoom(room string, fn func(realtime.RoomMessage)) (func(), error) {
	sub, err := b.nc.Subscribe(roomSubject(room), func(msg *nats.Msg) {
		var m realtime.RoomMessage
		if err := json.Unmarshal(msg.Data, &m); err != nil {
			b.log.Warn("room message", "roadshow", room, "err", err)
			return
		}
		fn(m)
	})
	if err != nil {
		return nil, err
	}
	// A busy room's messages must not be dropped by the client library's
	// default limits; the room's own queue bounds them.
	_ = sub.SetPendingLimits(-1, -1)
	// The server knows of the subscription once this returns, so that
	// what the caller reads next (the stored log) leaves no gap.
	if err := b.nc.Flush(); err != nil {
		_ = sub.Unsubscribe()
		return nil, err
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// ServeRoom answers forwarded commands; the queue group gives each to one
// subscriber, so that a former owner still subscribed does not answer too.
func (b *Bus) ServeRoom(room string, fn func(realtime.ForwardBatch) realtime.ForwardReply) (func(), error) {
	sub, err := b.nc.QueueSubscribe(commandSubject(room), "owner", func(msg *nats.Msg) {
		var fb realtime.ForwardBatch
		if err := json.Unmarshal(msg.Data, &fb); err != nil {
			return
		}
		rep, err := json.Marshal(fn(fb))
		if err == nil {
			err = msg.Respond(rep)
		}
		if err != nil {
			b.log.Warn("answer forwarded commands", "roadshow", room, "err", err)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := b.nc.Flush(); err != nil {
		_ = sub.Unsubscribe()
		return nil, err
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// ForwardRoom asks room's owner to carry out a batch; with no owner it
// fails at once (NATS answers "no responders").
func (b *Bus) ForwardRoom(ctx context.Context, room string, fb realtime.ForwardBatch) (realtime.ForwardReply, error) {
	var rep realtime.ForwardReply
	data, err := json.Marshal(fb)
	if err != nil {
		return rep, err
	}
	msg, err := b.nc.RequestWithContext(ctx, commandSubject(room), data)
	if err != nil {
		return rep, err
	}
	err = json.Unmarshal(msg.Data, &rep)
	return rep, err
}

// Pusher delivers live notifications on every instance: Push gives a
// stored notification to this instance's sessions and publishes it to the
// others', which hand it to theirs.
type Pusher struct {
	bus   *Bus
	local interface {
		Push(userID string, n *domain.Notification)
	}
	sub *nats.Subscription
}

type noteMessage struct {
	From string               `json:"from"`
	User string               `json:"user"`
	Note *domain.Notification `json:"note"`
}

// Notifications returns a Pusher for local's sessions, subscribed to the
// other instances' notifications.
func (b *Bus) Notifications(local interface {
	Push(userID string, n *domain.Notification)
}) (*Pusher, error) {
	p := &Pusher{bus: b, local: local}
	sub, err := b.nc.Subscribe(notesSubject, func(msg *nats.Msg) {
		var m noteMessage
		if json.Unmarshal(msg.Data, &m) != nil || m.From == b.instance || m.Note == nil {
			return
		}
		local.Push(m.User, m.Note)
	})
	if err != nil {
		return nil, err
	}
	_ = sub.SetPendingLimits(-1, -1)
	if err := b.nc.Flush(); err != nil {
		return nil, err
	}
	p.sub = sub
	return p, nil
}

// Push delivers n to userID's sessions on every instance.
func (p *Pusher) Push(userID string, n *domain.Notification) {
	p.local.Push(userID, n)
	data, err := json.Marshal(noteMessage{From: p.bus.instance, User: userID, Note: n})
	if err == nil {
		err = p.bus.nc.Publish(notesSubject, data)
	}
	if err != nil {
		p.bus.log.Warn("publish notification", "err", err)
	}
}

package realtime

import (
	"context"
	"errors"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// Cluster joins the instances that serve the same rooms (server/natsbus
// implements it over NATS; nil: one process). Exactly one instance owns a
// room at a time, by a lease in a store with compare-and-set that is atomic
// across processes; the owner decides, stores and publishes, the others
// forward their connections' messages to it and fold what it publishes.
type Cluster interface {
	// Instance names this process among the others.
	Instance() string
	// ClaimRoom takes room's lease if nobody holds it, returning its
	// revision; ErrRoomHeld if another instance does.
	ClaimRoom(ctx context.Context, room string) (uint64, error)
	// RenewRoom extends a held lease; an error means it is lost.
	RenewRoom(ctx context.Context, room string, lease uint64) (uint64, error)
	// ReleaseRoom gives a lease up, so another instance may take it at once.
	ReleaseRoom(ctx context.Context, room string, lease uint64)
	// PublishRoom sends m to every instance serving room, this one included.
	PublishRoom(room string, m RoomMessage)
	// SubscribeRoom calls fn with each message published to room, in order.
	SubscribeRoom(room string, fn func(RoomMessage)) (cancel func(), err error)
	// ServeRoom answers the commands other instances forward to room's
	// owner; one subscriber of the cluster gets each.
	ServeRoom(room string, fn func(ForwardBatch) ForwardReply) (cancel func(), err error)
	// ForwardRoom sends commands to room's owner and waits for its answer.
	ForwardRoom(ctx context.Context, room string, b ForwardBatch) (ForwardReply, error)
}

// ErrRoomHeld is ClaimRoom's answer when another instance owns the room.
var ErrRoomHeld = errors.New("realtime: room held by another instance")

// Lease timing. A lease lives LeaseTTL after its last renewal; the owner
// renews it every leaseRenew and stops deciding once its last renewal is
// leaseSafe old, before anyone else can take it. The others try to take it
// every claimEvery, so a room whose owner died is served again within
// LeaseTTL + claimEvery.
const (
	LeaseTTL   = 3 * time.Second
	leaseRenew = time.Second
	leaseSafe  = 2 * time.Second
	claimEvery = 500 * time.Millisecond
)

// RoomMessage is what crosses instances about a room: stored events (the
// owner's, in seq order), frames that are not stored (reactions, raised
// hands), an instance's presence, or word that the roadshow changed.
type RoomMessage struct {
	From     string             `json:"from"`
	Events   []domain.RoomEvent `json:"events,omitempty"`
	Frames   []Delivery         `json:"frames,omitempty"`
	Presence *InstancePresence  `json:"presence,omitempty"`
	Reload   bool               `json:"reload,omitempty"`
}

// InstancePresence is who is connected to a room on one instance.
type InstancePresence struct {
	Count  int           `json:"count"`
	Guests int           `json:"guests"`
	Who    []presentData `json:"who,omitempty"`
}

// ForwardBatch is messages of a room's connections on another instance,
// or a lifecycle command from REST, for the owner to carry out in order.
type ForwardBatch struct {
	Items []Forwarded `json:"items"`
}

// Forwarded is one message: who sent it (as the forwarding instance
// admitted them) and what.
type Forwarded struct {
	Peer      Peer          `json:"peer"`
	As        roadshow.Peer `json:"as"`
	Msg       Inbound       `json:"msg"`
	Lifecycle string        `json:"lifecycle,omitempty"` // start, advance or end, from REST
}

// ForwardReply holds one outcome per forwarded message.
type ForwardReply struct {
	Outcomes []ForwardOutcome `json:"outcomes"`
}

// ForwardOutcome is a refusal, or the seq at which the message's events
// were stored (the room's seq if it stored none) and whether it raised a hand.
type ForwardOutcome struct {
	Seq     int64         `json:"seq"`
	Refusal *domain.Error `json:"refusal,omitempty"`
}

// lifecycleCommands are the REST lifecycle's commands by name.
var lifecycleCommands = map[string]roadshow.Command{"start": roadshow.Start{}, "advance": roadshow.Advance{}, "end": roadshow.End{}}

// LifecycleName is the name a lifecycle command travels under.
func LifecycleName(c roadshow.Command) string {
	switch c.(type) {
	case roadshow.Start:
		return "start"
	case roadshow.Advance:
		return "advance"
	case roadshow.End:
		return "end"
	}
	return ""
}

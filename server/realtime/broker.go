package realtime

import "sync"

// Audience says who receives a frame.
type Audience struct {
	All   bool
	Hosts bool     // the room's hosts
	Users []string // these users
}

func (a Audience) reaches(c *client) bool {
	return a.All || (a.Hosts && c.as.Host) || contains(a.Users, c.peer.UserID)
}

// Delivery is one frame for a room's connections: who receives it and,
// for a stored event, its seq (0 for other frames).
type Delivery struct {
	To    Audience
	Seq   int64
	Frame []byte
}

// Broker carries a room's frames to the connections that receive them.
// LocalBroker does it within this process; another implementation can
// carry them through a message system so several instances share rooms.
type Broker interface {
	// Publish carries frames to the room's connections, in order; frames
	// published together (a batch of stored events) may travel together.
	Publish(room string, ds ...Delivery)
	Subscribe(room string, deliver func([]Delivery)) (cancel func())
}

// LocalBroker is the in-process Broker. It is safe for concurrent use;
// Publish calls the room's subscribers synchronously.
type LocalBroker struct {
	mu   sync.RWMutex
	subs map[string]map[int]func([]Delivery)
	next int
}

// NewLocalBroker returns an empty broker.
func NewLocalBroker() *LocalBroker {
	return &LocalBroker{subs: map[string]map[int]func([]Delivery){}}
}

func (b *LocalBroker) Publish(room string, ds ...Delivery) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, deliver := range b.subs[room] {
		deliver(ds)
	}
}

func (b *LocalBroker) Subscribe(room string, deliver func([]Delivery)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.subs[room] == nil {
		b.subs[room] = map[int]func([]Delivery){}
	}
	b.next++
	id := b.next
	b.subs[room][id] = deliver
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs[room], id)
		if len(b.subs[room]) == 0 {
			delete(b.subs, room)
		}
	}
}

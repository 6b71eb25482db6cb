package realtime

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// Store is what rooms read and write.
type Store interface {
	RoadshowByID(ctx context.Context, id string) (*domain.Roadshow, error)
	UpdateRoadshow(ctx context.Context, r *domain.Roadshow, prev int) error
	AppendRoomEvents(ctx context.Context, events []domain.RoomEvent) error
	RoomEvents(ctx context.Context, roadshowID string) ([]domain.RoomEvent, error)
	IsRegistered(ctx context.Context, roadshowID, userID string) (bool, error)
	SaveAttendance(ctx context.Context, a domain.Attendance) error
}

// InterestRecorder records an investor's interest in a startup in their
// deal flow.
type InterestRecorder interface {
	RecordInterest(ctx context.Context, investor domain.Actor, startupID string) error
}

// Notifier tells a user about something a person (from) did in a room,
// about subject; app.Notifier de-duplicates and limits by them
// (domain.NoteRuleOf), refusing with domain.ErrSenderLimit.
type Notifier interface {
	NotifyFrom(ctx context.Context, from, subject, userID, typ string, data map[string]any) error
}

// attendanceFlush is how often attendance is written; it is a record of
// who came, not something a user saved, so it is batched.
const attendanceFlush = 2 * time.Second

// roomIdleUnload is how long a room stays in memory with nobody in it and
// nothing in flight. Everything a room holds is rebuilt from its stored
// events, so an unloaded room loads again as it was.
const roomIdleUnload = 10 * time.Minute

// Hub owns the live rooms. It is safe for concurrent use.
type Hub struct {
	store    Store
	interest InterestRecorder
	notify   Notifier
	broker   Broker
	cluster  Cluster    // nil: this process serves every room alone
	video    StageVideo // nil: no live video
	log      *slog.Logger
	done     chan struct{}
	upgrader websocket.Upgrader
	batches  *sync.Pool // write batches, see flushConn

	idle time.Duration // see roomIdleUnload

	mu    sync.Mutex
	rooms map[string]*roomEntry
	live  map[string][]roadshow.LivePublisher // who publishes on each stage (video.go)

	attMu   sync.Mutex
	pending map[string]domain.Attendance
	wg      sync.WaitGroup
}

type roomEntry struct {
	once sync.Once
	r    *room
	err  error
	refs int // callers holding r (connections, commands, admissions); guarded by Hub.mu
}

// NewHub returns a Hub; Close stops its rooms.
func NewHub(store Store, interest InterestRecorder, notify Notifier, broker Broker, log *slog.Logger) *Hub {
	h := &Hub{store: store, interest: interest, notify: notify, broker: broker, log: log, done: make(chan struct{}), batches: newBatchPool(), idle: roomIdleUnload,
		rooms: map[string]*roomEntry{}, live: map[string][]roadshow.LivePublisher{}, pending: map[string]domain.Attendance{},
		upgrader: websocket.Upgrader{
			ReadBufferSize: 512, WriteBufferSize: 1024,
			// Idle connections hold no write buffer: they borrow one per write.
			WriteBufferPool: &sync.Pool{},
			// The API has no cookies: a ticket is the only credential, so
			// any origin may connect with one.
			CheckOrigin: func(*http.Request) bool { return true },
		}}
	h.wg.Add(1)
	go h.flushAttendance()
	return h
}

// UseCluster makes the hub share its rooms with other instances through
// c. Call it before the hub serves anything.
func (h *Hub) UseCluster(c Cluster) { h.cluster = c }

// Close stops every room and writes pending attendance.
func (h *Hub) Close() {
	select {
	case <-h.done:
		return
	default:
	}
	close(h.done)
	h.wg.Wait()
}

// room returns the live room of roadshow id, loading it from the store
// (replaying its events) on first use, and holds it in memory until the
// returned release is called.
func (h *Hub) room(ctx context.Context, id string) (*room, func(), error) {
	h.mu.Lock()
	e := h.rooms[id]
	if e == nil {
		e = &roomEntry{}
		h.rooms[id] = e
	}
	e.refs++
	h.mu.Unlock()
	release := func() {
		h.mu.Lock()
		e.refs--
		h.mu.Unlock()
	}
	e.once.Do(func() {
		rs, err := h.store.RoadshowByID(ctx, id)
		if err != nil {
			e.err = err
			return
		}
		r := newRoom(h, rs)
		if h.cluster != nil {
			// Listen first, then take the room if it is free, then read
			// the log (tryClaim reads it as the owner, resync otherwise).
			if e.err = r.cl.start(r); e.err != nil {
				return
			}
			if r.tryClaim(); !r.cl.owner {
				r.resync()
			}
		} else {
			records, err := h.store.RoomEvents(ctx, id)
			if err != nil {
				e.err = err
				return
			}
			log, err := roadshow.FromRecords(records)
			if err != nil {
				e.err = err
				return
			}
			r.replay(log)
		}
		// The log is the lifecycle's one source; the roadshow's status is
		// its copy for lists, mended here if a crash left it behind.
		if rs.Status != r.st.Lifecycle().Status() {
			if err := h.project(ctx, id, r.st.Lifecycle()); err != nil {
				h.log.Warn("roadshow status from its log", "roadshow", id, "err", err)
			}
		}
		e.r = r
		go r.run()
	})
	if e.err != nil {
		h.mu.Lock()
		e.refs--
		if h.rooms[id] == e {
			delete(h.rooms, id) // let a later call try again
		}
		h.mu.Unlock()
		return nil, nil, e.err
	}
	return e.r, release, nil
}

// forget drops r from the loaded rooms whoever holds it: r stopped because
// its state got ahead of the store, and the next use rebuilds it.
func (h *Hub) forget(r *room) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e := h.rooms[r.id]; e != nil && e.r == r {
		delete(h.rooms, r.id)
	}
}

// unload forgets r if nobody holds it; r's goroutine calls it when the room
// has been empty for h.idle and stops if it returns true. Holding Hub.mu
// here and in room means no caller can reach r after it was forgotten.
func (h *Hub) unload(r *room) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.rooms[r.id]
	if e == nil || e.r != r || e.refs > 0 {
		return false
	}
	delete(h.rooms, r.id)
	return true
}

// Command carries out a command that does not come over the room's
// websocket — the lifecycle (start, advance, end) over REST — as actor,
// through the same rules (roadshow.Decide) as the room's own messages. It
// returns once the events are stored and the roadshow's status, the
// lifecycle's copy for lists, is written.
func (h *Hub) Command(ctx context.Context, id string, actor domain.Actor, cmd roadshow.Command) error {
	r, release, err := h.room(ctx, id)
	if err != nil {
		return err
	}
	defer release()
	from := Peer{UserID: actor.UserID, Role: actor.Role}
	p := peerOf(r.info.Load(), from)
	reply := make(chan commandResult, 1)
	select {
	case r.cmds <- commandReq{peer: p, from: from, cmd: cmd, reply: reply}:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopped:
		return errStore
	}
	var res commandResult
	select {
	case res = <-reply:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopped:
		// A room that stops answers what it holds; a command it had not
		// sent on yet (to another instance's owner) gets no answer.
		select {
		case res = <-reply:
		default:
			return errStore
		}
	}
	if res.refusal != nil {
		return res.refusal
	}
	return h.project(ctx, id, res.lifecycle)
}

// projectTries bounds the retries of a status write that met a
// concurrent change of the roadshow.
const projectTries = 5

// project writes a roadshow's lifecycle, as its log has it, into the
// roadshow's status and times.
func (h *Hub) project(ctx context.Context, id string, lc roadshow.Lifecycle) error {
	for try := 1; ; try++ {
		rs, err := h.store.RoadshowByID(ctx, id)
		if err != nil {
			return err
		}
		if rs.Status == lc.Status() {
			return nil
		}
		rs.Status = lc.Status()
		if lc.Started {
			at := lc.StartedAt
			rs.StartedAt = &at
		}
		if lc.Ended {
			at := lc.EndedAt
			rs.EndedAt = &at
		}
		rs.UpdatedAt = time.Now().UTC()
		err = h.store.UpdateRoadshow(ctx, rs, rs.Version)
		if err == nil || !domain.IsKind(err, domain.KindConflict) || try == projectTries {
			return err
		}
	}
}

// Reload makes a loaded room re-read its roadshow; an unloaded room will
// read it when it loads.
func (h *Hub) Reload(ctx context.Context, id string) error {
	if h.cluster != nil {
		// The other instances' copies read it again too.
		h.cluster.PublishRoom(id, RoomMessage{From: h.cluster.Instance(), Reload: true})
	}
	h.mu.Lock()
	e := h.rooms[id]
	h.mu.Unlock()
	if e == nil || e.r == nil {
		return nil
	}
	r, release, err := h.room(ctx, id)
	if err != nil {
		return err
	}
	defer release()
	reply := make(chan error, 1)
	select {
	case r.reloads <- reply:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopped:
		return nil // unloaded: it reads the roadshow when it loads
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Admission is who a connection is in a room.
type Admission struct {
	Peer     Peer
	Roadshow string
	As       roadshow.Peer // what the room's rules know of the peer
}

// peerOf is who p is in rs's room: the host is its manager or an admin,
// presenters are the founders in its agenda.
func peerOf(rs *domain.Roadshow, p Peer) roadshow.Peer {
	in := p.UserID != ""
	return roadshow.Peer{UserID: p.UserID, Name: p.Name, Investor: p.Role == domain.RoleInvestor,
		Host: in && (rs.OwnerID == p.UserID || p.Role == domain.RoleAdmin), Presenter: in && rs.Presents(p.UserID)}
}

// Admit decides whether p may enter roadshow id, before the connection is
// upgraded, so refusals are ordinary HTTP errors.
func (h *Hub) Admit(ctx context.Context, p Peer, id string) (*Admission, error) {
	r, release, err := h.room(ctx, id) // loads the room once; later admissions read memory
	if err != nil {
		return nil, err
	}
	defer release()
	rs := r.info.Load()
	a := &Admission{Peer: p, Roadshow: id, As: peerOf(rs, p)}
	err = rs.EntryRefusal(p.UserID, p.Role, func() (bool, error) { return h.store.IsRegistered(ctx, id, p.UserID) })
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Accept upgrades an HTTP request to a websocket and serves it in its room
// until it closes. It blocks: the calling goroutine becomes the connection's
// reader. w must implement http.Hijacker.
func (h *Hub) Accept(w http.ResponseWriter, req *http.Request, a *Admission, since int64) {
	hf := &hijackFlusher{ResponseWriter: w, pool: h.batches}
	conn, err := h.upgrader.Upgrade(hf, req, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	h.serve(context.Background(), conn, hf.conn, a, since)
}

func (h *Hub) serve(ctx context.Context, conn *websocket.Conn, fc *flushConn, a *Admission, since int64) {
	r, release, err := h.room(ctx, a.Roadshow)
	if err != nil {
		_ = conn.WriteMessage(websocket.TextMessage, errorFrame(0, ErrUnavailable, "room unavailable", ""))
		_ = conn.Close()
		return
	}
	defer release() // after the leave below: the room stays loaded while anyone is in it
	c := newClient(conn, fc, a.Peer)
	c.as = a.As
	reply := make(chan joined, 1)
	select {
	case r.joins <- joinReq{c: c, since: since, reply: reply}:
	case <-r.stopped:
		c.close()
		return
	}
	leave := func() {
		c.close()
		select {
		case r.leaves <- c:
		case <-r.stopped:
		}
	}
	if j := <-reply; !j.live && !c.catchUp(r, j.welcome, since) {
		leave()
		return
	}
	go c.writePump()
	defer func() { <-c.written }() // see client.written
	c.readPump(r)                  // only now: the answers to what it sends follow the history
	leave()
}

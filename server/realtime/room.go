package realtime

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Room timing.
const (
	flushEvery   = time.Second // reactions and presence are sent at most this often
	storeTimeout = 5 * time.Second
	maxPage      = 500
	welcomeQs    = 100  // questions sent in a welcome
	welcomeChat  = 50   // latest chat messages sent in a welcome
	welcomeScan  = 2000 // stored events looked through for them
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

type command struct {
	kind  string // start, advance, end
	reply chan error
}

type question struct {
	ID       int64           `json:"id"`
	Text     string          `json:"text"`
	UserID   string          `json:"userId"`
	UserName string          `json:"userName"`
	Votes    int             `json:"votes"`
	Answered bool            `json:"answered"`
	Hidden   bool            `json:"hidden"`
	voters   map[string]bool `json:"-"`
}

// stage is what is on screen: the slot presenting, the deck page and when
// the slot's time is up.
type stage struct {
	Slot        int       `json:"slot"`
	Page        int       `json:"page"`
	StartupID   string    `json:"startupId"`
	StartupName string    `json:"startupName"`
	Deadline    time.Time `json:"-"`
}

// MarshalJSON writes the deadline in Unix milliseconds, as the protocol
// (docs/REALTIME.md) has it, so clients count down without parsing dates.
func (s stage) MarshalJSON() ([]byte, error) {
	type wire struct {
		Slot        int    `json:"slot"`
		Page        int    `json:"page"`
		StartupID   string `json:"startupId"`
		StartupName string `json:"startupName"`
		Deadline    int64  `json:"deadline"`
	}
	return json.Marshal(wire{s.Slot, s.Page, s.StartupID, s.StartupName, s.Deadline.UnixMilli()})
}

// room is one live roadshow. All fields below the channels are owned by
// run's goroutine; other goroutines talk to it through the channels.
type room struct {
	id       string
	hub      *Hub
	inbox    chan inbound
	joins    chan joinReq
	attaches chan attachReq
	leaves   chan *client
	cmds     chan command
	stopped  chan struct{}
	fan      *fanout
	unsub    func()
	seq      atomic.Int64 // last stored seq; readPump reads it for error frames
	// info is the roadshow as the room last loaded it, for admission
	// checks on other goroutines; run replaces it, never changes it.
	info atomic.Pointer[domain.Roadshow]

	log eventLog // the stored events' frames, for clients catching up

	rs        *domain.Roadshow
	events    []domain.RoomEvent
	questions map[int64]*question
	chats     map[int64]bool // seq of chat messages, for hiding
	muted     map[string]bool
	interest  map[string]bool // startupID:userID already counted
	stage     *stage
	ended     bool
	limits    map[string]map[string]*bucket // user → message type → bucket
	reactions map[string]int                // since the last flush
	totals    map[string]int
	present   map[string]int // user (or guest connection) → connections
	names     map[string]string
	conns     int
	dirty     bool      // presence changed since the last flush
	empty     time.Time // since when nobody is connected; zero while someone is
}

func newRoom(h *Hub, rs *domain.Roadshow) *room {
	r := &room{id: rs.ID, hub: h, rs: rs,
		inbox: make(chan inbound, 1024), joins: make(chan joinReq, 256), attaches: make(chan attachReq, 256), leaves: make(chan *client, 256),
		cmds: make(chan command), stopped: make(chan struct{}),
		fan:       &fanout{clients: map[*client]struct{}{}},
		questions: map[int64]*question{}, chats: map[int64]bool{}, muted: map[string]bool{}, interest: map[string]bool{},
		limits: map[string]map[string]*bucket{}, reactions: map[string]int{}, totals: map[string]int{},
		present: map[string]int{}, names: map[string]string{}, empty: time.Now()}
	r.unsub = h.broker.Subscribe(r.id, r.fan.deliver)
	r.info.Store(rs)
	return r
}

func (r *room) lastSeq() int64 { return r.seq.Load() }

// replay rebuilds the room's state from its stored events, and the frames
// each event made as it was stored, for clients catching up.
func (r *room) replay(events []domain.RoomEvent) {
	for _, e := range events {
		r.applyEvent(e)
		if to, frame := r.eventFrame(e); frame != nil {
			r.log.append(e.Seq, to, frame)
		}
	}
}

// applyEvent changes the in-memory state for a stored event and keeps it
// in the log. It is the only place state changes, for live events and for
// replay after a restart alike.
func (r *room) applyEvent(e domain.RoomEvent) {
	r.events = append(r.events, e)
	r.seq.Store(e.Seq)
	switch e.Type {
	case "chat":
		r.chats[e.Seq] = true
	case "question":
		text, _ := e.Data["text"].(string)
		r.questions[e.Seq] = &question{ID: e.Seq, Text: text, UserID: e.UserID, UserName: e.UserName, voters: map[string]bool{}}
	case "question.vote":
		if q := r.questions[e.Int("id")]; q != nil && !q.voters[e.UserID] {
			q.voters[e.UserID] = true
			q.Votes++
		}
	case "question.answer":
		if q := r.questions[e.Int("id")]; q != nil {
			q.Answered = true
		}
	case "message.hide":
		if q := r.questions[e.Int("id")]; q != nil {
			q.Hidden = true
		}
	case "user.mute":
		u, _ := e.Data["userId"].(string)
		r.muted[u] = true
	case "stage":
		s := &stage{Slot: int(e.Int("slot")), Page: int(e.Int("page"))}
		s.StartupID, _ = e.Data["startupId"].(string)
		s.StartupName, _ = e.Data["startupName"].(string)
		s.Deadline = time.UnixMilli(e.Int("deadline"))
		r.stage = s
	case "interest":
		sid, _ := e.Data["startupId"].(string)
		r.interest[sid+":"+e.UserID] = true
	case "ended":
		r.ended = true
	}
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
			cmd.reply <- r.control(cmd.kind)
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

func (r *room) role(c *client) string {
	switch {
	case c.host:
		return "host"
	case c.presenter:
		return "presenter"
	case c.peer.Role == domain.RoleInvestor:
		return "investor"
	case c.peer.UserID == "":
		return "guest"
	}
	return "viewer"
}

func presenceKey(c *client) string {
	if c.peer.UserID != "" {
		return c.peer.UserID
	}
	return "guest"
}

// join counts a new connection in and answers with its welcome. A client
// with nothing to catch up on joins the live stream at once; one that
// reconnects behind the room catches up on its own writer (catchUp) first.
func (r *room) join(j joinReq) {
	c := j.c
	r.conns++
	r.empty = time.Time{}
	r.present[presenceKey(c)]++
	r.names[presenceKey(c)] = c.peer.Name
	r.dirty = true
	if c.peer.UserID != "" {
		r.hub.attend(domain.Attendance{RoadshowID: r.id, UserID: c.peer.UserID, Name: c.peer.Name, Role: r.role(c)})
	}
	welcome := encode("welcome", r.lastSeq(), time.Now(), r.welcome(c))
	if j.since < 0 || j.since >= r.lastSeq() {
		r.fan.add(c, r.lastSeq())
		c.enqueue(welcome)
		j.reply <- joined{live: true}
		return
	}
	j.reply <- joined{welcome: welcome}
}

func (a Audience) reaches(c *client) bool {
	return a.All || (a.Hosts && c.host) || contains(a.Users, c.peer.UserID)
}

func (r *room) leave(c *client) {
	r.fan.remove(c)
	if r.conns--; r.conns == 0 {
		r.empty = time.Now()
	}
	k := presenceKey(c)
	if r.present[k]--; r.present[k] <= 0 {
		delete(r.present, k)
	}
	r.dirty = true
}

type welcomeData struct {
	Roadshow  roadshowInfo   `json:"roadshow"`
	Role      string         `json:"role"`
	You       youInfo        `json:"you"`
	Stage     *stage         `json:"stage"`
	Questions []*question    `json:"questions"`
	Chat      []chatLine     `json:"chat"` // the latest, oldest first
	Presence  int            `json:"presence"`
	Reactions map[string]int `json:"reactions"`
	Ended     bool           `json:"ended"`
}

type roadshowInfo struct {
	ID         string        `json:"id"`
	Title      string        `json:"title"`
	StreamURL  string        `json:"streamUrl"`
	Status     string        `json:"status"`
	StartsAt   time.Time     `json:"startsAt"`
	Slots      []domain.Slot `json:"slots"`
	Visibility string        `json:"visibility"`
}

type chatLine struct {
	ID       int64  `json:"id"`
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
	Text     string `json:"text"`
}

// recentChat returns the latest visible chat messages, oldest first, so
// that someone joining mid-roadshow sees what the room is talking about.
func (r *room) recentChat() []chatLine {
	out := []chatLine{}
	hidden := map[int64]bool{}
	for i, seen := len(r.events)-1, 0; i >= 0 && seen < welcomeScan && len(out) < welcomeChat; i, seen = i-1, seen+1 {
		e := r.events[i]
		switch e.Type {
		case "message.hide": // comes after what it hides, so it is met first here
			hidden[e.Int("id")] = true
		case "chat":
			if !hidden[e.Seq] {
				text, _ := e.Data["text"].(string)
				out = append(out, chatLine{ID: e.Seq, UserID: e.UserID, UserName: e.UserName, Text: text})
			}
		}
	}
	slices.Reverse(out)
	return out
}

type youInfo struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Muted  bool   `json:"muted"`
}

func (r *room) welcome(c *client) welcomeData {
	qs := make([]*question, 0, len(r.questions))
	for _, q := range r.questions {
		if !q.Hidden {
			qs = append(qs, q)
		}
	}
	sort.Slice(qs, func(i, j int) bool {
		return qs[i].Votes > qs[j].Votes || qs[i].Votes == qs[j].Votes && qs[i].ID < qs[j].ID
	})
	if len(qs) > welcomeQs {
		qs = qs[:welcomeQs]
	}
	status := r.rs.Status
	if r.ended {
		status = domain.RoadshowEnded
	}
	return welcomeData{
		Roadshow: roadshowInfo{ID: r.rs.ID, Title: r.rs.Title, StreamURL: r.rs.StreamURL, Status: status, StartsAt: r.rs.StartsAt,
			Slots: r.rs.Slots, Visibility: r.rs.Visibility},
		Role: r.role(c), You: youInfo{UserID: c.peer.UserID, Name: c.peer.Name, Muted: r.muted[c.peer.UserID]},
		Stage: r.stage, Questions: qs, Chat: r.recentChat(), Presence: r.conns, Reactions: r.totals, Ended: r.ended,
	}
}

// eventFrame turns a stored event into the frame receivers see and says who
// receives it.
func (r *room) eventFrame(e domain.RoomEvent) (Audience, []byte) {
	all := Audience{All: true}
	switch e.Type {
	case "chat":
		text, _ := e.Data["text"].(string)
		return all, encode("chat", e.Seq, e.At, map[string]any{"id": e.Seq, "userId": e.UserID, "userName": e.UserName, "text": text})
	case "question", "question.vote", "question.answer":
		id := e.Seq
		if e.Type != "question" {
			id = e.Int("id")
		}
		if q := r.questions[id]; q != nil {
			return all, encode("question", e.Seq, e.At, q)
		}
	case "message.hide":
		id := e.Int("id")
		if q := r.questions[id]; q != nil {
			return all, encode("question", e.Seq, e.At, q)
		}
		return all, encode("chat", e.Seq, e.At, map[string]any{"id": id, "hidden": true})
	case "user.mute":
		u, _ := e.Data["userId"].(string)
		return Audience{Hosts: true, Users: []string{u}}, encode("user.muted", e.Seq, e.At, map[string]any{"userId": u})
	case "stage":
		return all, encode("stage", e.Seq, e.At, r.stageAt(e))
	case "interest":
		sid, _ := e.Data["startupId"].(string)
		return Audience{Hosts: true, Users: r.foundersOf(sid)}, encode("interest", e.Seq, e.At,
			map[string]any{"startupId": sid, "userId": e.UserID, "userName": e.UserName})
	case "ended":
		return all, encode("ended", e.Seq, e.At, map[string]any{})
	}
	return Audience{}, nil
}

// stageAt is the stage an event set (not the current one, during replay).
func (r *room) stageAt(e domain.RoomEvent) stage {
	s := stage{Slot: int(e.Int("slot")), Page: int(e.Int("page")), Deadline: time.UnixMilli(e.Int("deadline"))}
	s.StartupID, _ = e.Data["startupId"].(string)
	s.StartupName, _ = e.Data["startupName"].(string)
	return s
}

func (r *room) foundersOf(startupID string) []string {
	var out []string
	for _, s := range r.rs.Slots {
		if s.StartupID == startupID {
			out = append(out, s.OwnerID)
		}
	}
	return out
}

// store appends an event, applies it and broadcasts it. It returns false
// (after telling the sender) if the store failed: nothing is acknowledged
// that is not stored.
func (r *room) store(c *client, ref, typ string, data map[string]any) (int64, bool) {
	e := domain.RoomEvent{RoadshowID: r.id, Seq: r.lastSeq() + 1, Type: typ, Data: data, At: time.Now().UTC()}
	if c != nil {
		e.UserID, e.UserName = c.peer.UserID, c.peer.Name
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := r.hub.store.AppendRoomEvent(ctx, e); err != nil {
		r.hub.log.Error("store room event", "roadshow", r.id, "type", typ, "err", err)
		if c != nil {
			c.enqueue(errorFrame(r.lastSeq(), ErrUnavailable, "暂时无法保存，请重试 / could not save, please retry", ref))
		}
		return 0, false
	}
	r.applyEvent(e)
	if to, frame := r.eventFrame(e); frame != nil {
		r.log.append(e.Seq, to, frame)
		r.hub.broker.Publish(r.id, Delivery{To: to, Seq: e.Seq, Frame: frame})
	}
	return e.Seq, true
}

func (r *room) reject(c *client, ref, code, detail string) {
	c.enqueue(errorFrame(r.lastSeq(), code, detail, ref))
}

func (r *room) ack(c *client, ref string, seq int64) {
	if ref != "" {
		c.enqueue(encode("ack", seq, time.Now(), map[string]any{"ref": ref, "seq": seq}))
	}
}

// clientTypes are the message types a client may send.
var clientTypes = map[string]bool{
	"chat.send": true, "question.ask": true, "question.upvote": true, "reaction": true, "hand.raise": true,
	"interest": true, "stage.set": true, "question.answer": true, "message.hide": true, "user.mute": true,
}

// handle checks and carries out one client message.
func (r *room) handle(c *client, in Inbound) {
	if !clientTypes[in.Type] {
		r.reject(c, in.Ref, ErrUnknownType, "未知消息类型 / unknown message type: "+clip(in.Type))
		return
	}
	if c.peer.UserID == "" {
		r.reject(c, in.Ref, ErrForbidden, "请登录后参与互动 / sign in to take part")
		return
	}
	if r.ended {
		r.reject(c, in.Ref, ErrNotLive, "路演已结束 / the roadshow has ended")
		return
	}
	if !r.allow(c, in.Type) {
		r.reject(c, in.Ref, ErrRateLimited, "操作过于频繁，请稍后 / too fast, slow down")
		return
	}
	var d struct {
		Text      string `json:"text"`
		ID        int64  `json:"id"`
		Emoji     string `json:"emoji"`
		StartupID string `json:"startupId"`
		Slot      *int   `json:"slot"`
		Page      *int   `json:"page"`
		UserID    string `json:"userId"`
	}
	if len(in.Data) > 0 && string(in.Data) != "null" {
		if err := json.Unmarshal(in.Data, &d); err != nil {
			r.reject(c, in.Ref, ErrBadFrame, "data 字段格式错误 / malformed data")
			return
		}
	}
	hostOnly := func() bool {
		if !c.host {
			r.reject(c, in.Ref, ErrForbidden, "只有主持人可以这样做 / only the host may do this")
			return false
		}
		return true
	}
	switch in.Type {
	case "chat.send", "question.ask":
		if r.muted[c.peer.UserID] {
			r.reject(c, in.Ref, ErrMuted, "你已被主持人禁言 / the host has muted you")
			return
		}
		limit, typ := maxChatRunes, "chat"
		if in.Type == "question.ask" {
			limit, typ = maxQuestionRunes, "question"
		}
		text := strings.TrimSpace(d.Text)
		if text == "" {
			r.reject(c, in.Ref, ErrInvalidInput, "内容不能为空 / text is empty")
			return
		}
		if utf8.RuneCountInString(text) > limit {
			r.reject(c, in.Ref, ErrTooLong, "内容过长 / text too long")
			return
		}
		if seq, ok := r.store(c, in.Ref, typ, map[string]any{"text": text}); ok {
			r.ack(c, in.Ref, seq)
			if typ == "question" {
				r.tellPresenters(seq, text, c.peer.Name)
			}
		}
	case "question.upvote":
		q := r.questions[d.ID]
		if q == nil || q.Hidden {
			r.reject(c, in.Ref, ErrNotFound, "问题不存在 / no such question")
			return
		}
		if q.voters[c.peer.UserID] {
			r.ack(c, in.Ref, r.lastSeq()) // voting twice is a no-op, not an error
			return
		}
		if seq, ok := r.store(c, in.Ref, "question.vote", map[string]any{"id": d.ID}); ok {
			r.ack(c, in.Ref, seq)
		}
	case "question.answer":
		if !c.host && !c.presenter {
			r.reject(c, in.Ref, ErrForbidden, "只有主持人或路演者可以标记已回答 / only the host or a presenter may mark answers")
			return
		}
		if q := r.questions[d.ID]; q == nil {
			r.reject(c, in.Ref, ErrNotFound, "问题不存在 / no such question")
			return
		}
		if seq, ok := r.store(c, in.Ref, "question.answer", map[string]any{"id": d.ID}); ok {
			r.ack(c, in.Ref, seq)
		}
	case "message.hide":
		if !hostOnly() {
			return
		}
		if r.questions[d.ID] == nil && !r.chats[d.ID] {
			r.reject(c, in.Ref, ErrNotFound, "消息不存在 / no such message")
			return
		}
		if seq, ok := r.store(c, in.Ref, "message.hide", map[string]any{"id": d.ID}); ok {
			r.ack(c, in.Ref, seq)
		}
	case "user.mute":
		if !hostOnly() {
			return
		}
		if !domain.ValidID(d.UserID) {
			r.reject(c, in.Ref, ErrInvalidInput, "userId 无效 / invalid userId")
			return
		}
		if seq, ok := r.store(c, in.Ref, "user.mute", map[string]any{"userId": d.UserID}); ok {
			r.ack(c, in.Ref, seq)
		}
	case "reaction":
		n := utf8.RuneCountInString(d.Emoji)
		if n == 0 || n > maxEmojiRunes {
			r.reject(c, in.Ref, ErrInvalidInput, "emoji 无效 / invalid emoji")
			return
		}
		if len(r.totals) >= 32 && r.totals[d.Emoji] == 0 {
			r.reject(c, in.Ref, ErrInvalidInput, "表情种类过多 / too many kinds of reaction")
			return
		}
		r.reactions[d.Emoji]++
		r.totals[d.Emoji]++
	case "hand.raise":
		r.hub.broker.Publish(r.id, Delivery{To: Audience{Hosts: true}, Frame: encode("hand", r.lastSeq(), time.Now(),
			map[string]any{"userId": c.peer.UserID, "userName": c.peer.Name})})
		r.ack(c, in.Ref, r.lastSeq())
	case "interest":
		r.signalInterest(c, in.Ref, d.StartupID)
	case "stage.set":
		r.setStage(c, in.Ref, d.Slot, d.Page)
	}
}

// tellPresenters notifies the founders on stage of a new question, in the
// background so the room never waits on it.
func (r *room) tellPresenters(seq int64, text, asker string) {
	if r.stage == nil {
		return
	}
	founders := r.foundersOf(r.stage.StartupID)
	data := map[string]any{"roadshowId": r.id, "title": r.rs.Title, "questionId": seq, "text": text, "askedBy": asker,
		"startupId": r.stage.StartupID}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		defer cancel()
		for _, f := range founders {
			if err := r.hub.notify.Notify(ctx, f, domain.NoteQuestion, data); err != nil {
				r.hub.log.Warn("question notification", "roadshow", r.id, "err", err)
			}
		}
	}()
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}

func (r *room) allow(c *client, typ string) bool {
	u := c.peer.UserID
	if r.limits[u] == nil {
		r.limits[u] = newLimits()
	}
	b := r.limits[u][typ]
	return b == nil || b.allow(time.Now())
}

func (r *room) signalInterest(c *client, ref, startupID string) {
	if c.peer.Role != domain.RoleInvestor {
		r.reject(c, ref, ErrForbidden, "只有投资人可以表达意向 / only investors signal interest")
		return
	}
	if r.rs.Status != domain.RoadshowLive || r.stage == nil {
		r.reject(c, ref, ErrNotLive, "路演尚未开始 / the roadshow is not live")
		return
	}
	if startupID == "" {
		startupID = r.stage.StartupID
	}
	if len(r.foundersOf(startupID)) == 0 {
		r.reject(c, ref, ErrNotFound, "该项目不在本场路演 / that startup is not in this roadshow")
		return
	}
	if r.interest[startupID+":"+c.peer.UserID] {
		r.ack(c, ref, r.lastSeq())
		return
	}
	// The deal-flow record comes first: an acknowledged interest is one
	// the investor will find in their saved deal flow.
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := r.hub.interest.RecordInterest(ctx, domain.Actor{UserID: c.peer.UserID, Role: c.peer.Role}, startupID); err != nil {
		r.hub.log.Error("record interest", "roadshow", r.id, "err", err)
		r.reject(c, ref, ErrUnavailable, "暂时无法保存，请重试 / could not save, please retry")
		return
	}
	if seq, ok := r.store(c, ref, "interest", map[string]any{"startupId": startupID}); ok {
		r.ack(c, ref, seq)
	}
}

func (r *room) setStage(c *client, ref string, slot, page *int) {
	if r.rs.Status != domain.RoadshowLive || r.stage == nil {
		r.reject(c, ref, ErrNotLive, "路演尚未开始 / the roadshow is not live")
		return
	}
	cur := *r.stage
	newSlot, newPage := cur.Slot, cur.Page
	if slot != nil {
		newSlot = *slot
	}
	if page != nil {
		newPage = *page
	}
	onStage := r.rs.Slots[cur.Slot].OwnerID == c.peer.UserID
	switch {
	case c.host:
	case onStage && newSlot == cur.Slot:
		// the presenter turns their own deck's pages
	default:
		r.reject(c, ref, ErrForbidden, "只有主持人可以切换路演项目 / only the host changes the stage")
		return
	}
	if newSlot < 0 || newSlot >= len(r.rs.Slots) || newPage < 1 || newPage > maxPage {
		r.reject(c, ref, ErrInvalidInput, "slot 或 page 超出范围 / slot or page out of range")
		return
	}
	if seq, ok := r.storeStage(c, ref, newSlot, newPage, newSlot != cur.Slot); ok {
		r.ack(c, ref, seq)
	}
}

// storeStage stores a stage change; a new slot gets a new deadline.
func (r *room) storeStage(c *client, ref string, slot, page int, newSlot bool) (int64, bool) {
	deadline := time.Now().Add(time.Duration(r.rs.Slots[slot].Minutes) * time.Minute)
	if !newSlot && r.stage != nil {
		deadline = r.stage.Deadline
	}
	s := r.rs.Slots[slot]
	return r.store(c, ref, "stage", map[string]any{"slot": slot, "page": page, "startupId": s.StartupID,
		"startupName": s.StartupName, "deadline": deadline.UnixMilli()})
}

// control carries out a host's REST command after the roadshow's status
// was saved.
func (r *room) control(kind string) error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	rs, err := r.hub.store.RoadshowByID(ctx, r.id)
	if err != nil {
		return err
	}
	r.rs = rs
	r.info.Store(rs)
	switch kind {
	case "reload":
		return nil
	case "start":
		if r.stage != nil {
			return nil // already started (a retry after a crash)
		}
		if _, ok := r.storeStage(nil, "", 0, 1, true); !ok {
			return errStore
		}
	case "advance":
		if r.stage == nil {
			_, ok := r.storeStage(nil, "", 0, 1, true)
			return okOr(ok)
		}
		if r.stage.Slot+1 >= len(r.rs.Slots) {
			return domain.CodedError(domain.KindConflict, "last_slot", "已是最后一个路演项目 / this is the last slot")
		}
		_, ok := r.storeStage(nil, "", r.stage.Slot+1, 1, true)
		return okOr(ok)
	case "end":
		if r.ended {
			return nil
		}
		_, ok := r.store(nil, "", "ended", map[string]any{})
		return okOr(ok)
	}
	return nil
}

var errStore = &domain.Error{Kind: domain.KindUnavailable, Code: "room_unavailable", Detail: "直播间暂时无法保存，请重试 / the room could not save, retry"}

func okOr(ok bool) error {
	if ok {
		return nil
	}
	return errStore
}

// flush sends aggregated reactions and presence, at most once a tick.
func (r *room) flush() {
	now := time.Now()
	if len(r.reactions) > 0 {
		r.hub.broker.Publish(r.id, Delivery{To: Audience{All: true}, Frame: encode("reaction", r.lastSeq(), now,
			map[string]any{"delta": r.reactions, "totals": r.totals})})
		r.reactions = map[string]int{}
	}
	if r.dirty {
		r.dirty = false
		r.hub.broker.Publish(r.id, Delivery{To: Audience{All: true}, Frame: encode("presence", r.lastSeq(), now, map[string]any{"count": r.conns})})
		var who []map[string]any
		for k, n := range r.present {
			if k != "guest" {
				who = append(who, map[string]any{"userId": k, "name": r.names[k], "connections": n})
			}
		}
		if len(who) <= 2000 { // the host's list of who is here; beyond that, the count says it
			r.hub.broker.Publish(r.id, Delivery{To: Audience{Hosts: true}, Frame: encode("presence", r.lastSeq(), now,
				map[string]any{"count": r.conns, "guests": r.present["guest"], "who": who})})
		}
	}
}

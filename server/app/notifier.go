package app

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// NotifyStore stores notifications and delivery settings. It is the one
// owner of the settings: the Notifier asks it for them on every delivery
// and holds none, so that on MongoDB a choice saved through any process
// decides the next delivery of every process (mongo.DB holds them in
// memory where it is the database's only writer, the embedded engine).
type NotifyStore interface {
	CreateNotification(ctx context.Context, n *domain.Notification) error
	CreateNotifications(ctx context.Context, ns []*domain.Notification) error
	// ListNotifications returns a page, the total and the unread count.
	ListNotifications(ctx context.Context, userID string, unreadOnly bool, p domain.Page) (items []domain.Notification, total, unread int, err error)
	NotificationsAfter(ctx context.Context, userID, id string, limit int) ([]domain.Notification, error)
	CountUnread(ctx context.Context, userID string) (int, error)
	MarkRead(ctx context.Context, userID string, ids []string) error
	NotificationSettingsOf(ctx context.Context, userID string) (*domain.NotificationSettings, error)
	// NotificationSettingsOfUsers returns the settings of those of userIDs
	// who stored any, by user id, in one read for a whole fan-out.
	NotificationSettingsOfUsers(ctx context.Context, userIDs []string) (map[string]*domain.NotificationSettings, error)
	SaveNotificationSettings(ctx context.Context, s *domain.NotificationSettings) error
	// De-duplication (domain.NoteDedupKey).
	NoteKeyHolder(ctx context.Context, key string) (string, error)
	SetNoteKey(ctx context.Context, key, notificationID string) error
	NotificationOf(ctx context.Context, userID, id string) (*domain.Notification, error)
}

// Pusher delivers a stored notification to a user's open sessions; the
// realtime package implements it.
type Pusher interface {
	Push(userID string, n *domain.Notification)
}

// Notifier stores notifications first and then pushes them live, as each
// user's settings say. It is safe for concurrent use.
type Notifier struct {
	store  NotifyStore
	pusher Pusher
	log    *slog.Logger
	now    func() time.Time

	senders senderLimits
	// caused serializes the notes people cause (those with a sender), so
	// that two like ones sent at once (a room's questions stored together)
	// cannot both find no like one before them. Fan-outs do not take it.
	caused sync.Mutex
}

// NewNotifier returns a Notifier.
func NewNotifier(store NotifyStore, pusher Pusher, log *slog.Logger) *Notifier {
	return &Notifier{store: store, pusher: pusher, log: log, now: time.Now}
}

// deliveries returns the stored settings of the recipients of notes, by
// user id, asked of the store in one call however many notes there are.
func (n *Notifier) deliveries(ctx context.Context, notes []Note) (map[string]*domain.NotificationSettings, error) {
	ids := make([]string, 0, len(notes))
	seen := make(map[string]bool, len(notes))
	for _, nt := range notes {
		if !seen[nt.UserID] {
			seen[nt.UserID] = true
			ids = append(ids, nt.UserID)
		}
	}
	return n.store.NotificationSettingsOfUsers(ctx, ids)
}

// delivery says how a note of type typ reaches userID by the settings
// deliveries returned: live unless the user chose otherwise.
func delivery(settings map[string]*domain.NotificationSettings, userID, typ string) string {
	if s := settings[userID]; s != nil {
		return s.Delivery(typ)
	}
	return domain.DeliverLive
}

// Note is one notification to send. A note with a sender (From) about a
// subject is not stored while a like one tells it already, and may count
// against the sender's limit (domain.NoteDedupKey, domain.NoteRuleOf).
type Note struct {
	UserID  string
	Type    string
	Data    map[string]any
	From    string // the user whose act this tells of, if one
	Subject string // what it is about: a startup, a roadshow

	admitted bool // charged to From by Admit already
}

// Admit charges nt's sender for it before the act that causes it is saved,
// so that an act the limit refuses leaves nothing behind: ErrSenderLimit
// if the sender has notified others too often. A note that would not be
// stored (a like one tells it already) costs nothing. NotifyMany does not
// charge an admitted note again.
func (n *Notifier) Admit(ctx context.Context, nt *Note) error {
	key := domain.NoteDedupKey(nt.UserID, nt.Type, nt.From, nt.Subject)
	if key == "" || !domain.NoteRuleOf(nt.Type).Limited {
		return nil
	}
	settings, err := n.deliveries(ctx, []Note{*nt})
	if err != nil {
		return err
	}
	if delivery(settings, nt.UserID, nt.Type) == domain.DeliverOff {
		return nil
	}
	now := n.now().UTC()
	dup, err := n.suppressed(ctx, nt.UserID, nt.Type, key, now)
	if err != nil || dup {
		return err
	}
	if !n.senders.allow(nt.From, now) {
		return domain.ErrSenderLimit
	}
	nt.admitted = true
	return nil
}

// Notify tells userID about an event of type typ. It is stored before it
// is pushed, so a session that reconnects gets what it missed.
func (n *Notifier) Notify(ctx context.Context, userID, typ string, data map[string]any) error {
	return n.NotifyMany(ctx, []Note{{UserID: userID, Type: typ, Data: data}})
}

// NotifyFrom tells userID of an act by from about subject, as one Note:
// de-duplicated and limited by the one rule (domain.NoteRuleOf). For
// callers that cannot build a Note (the realtime rooms).
func (n *Notifier) NotifyFrom(ctx context.Context, from, subject, userID, typ string, data map[string]any) error {
	return n.NotifyMany(ctx, []Note{{UserID: userID, Type: typ, Data: data, From: from, Subject: subject}})
}

// NotifyMany stores notes in one write, then pushes the live ones.
func (n *Notifier) NotifyMany(ctx context.Context, notes []Note) error {
	if slices.ContainsFunc(notes, func(nt Note) bool { return nt.From != "" }) {
		n.caused.Lock()
		defer n.caused.Unlock()
	}
	settings, err := n.deliveries(ctx, notes)
	if err != nil {
		return err
	}
	now := n.now().UTC()
	stored := make([]*domain.Notification, 0, len(notes))
	keys := make([]string, 0, len(notes))
	for _, nt := range notes {
		d := delivery(settings, nt.UserID, nt.Type)
		if d == domain.DeliverOff {
			continue
		}
		key := domain.NoteDedupKey(nt.UserID, nt.Type, nt.From, nt.Subject)
		if key != "" {
			dup, err := n.suppressed(ctx, nt.UserID, nt.Type, key, now)
			if err != nil {
				return err
			}
			if dup {
				continue
			}
			if domain.NoteRuleOf(nt.Type).Limited && !nt.admitted && !n.senders.allow(nt.From, now) {
				return domain.ErrSenderLimit
			}
		}
		stored = append(stored, &domain.Notification{UserID: nt.UserID, Type: nt.Type, Data: nt.Data, Digest: d == domain.DeliverDigest, CreatedAt: now})
		keys = append(keys, key)
	}
	if err := n.store.CreateNotifications(ctx, stored); err != nil {
		return err
	}
	for i, note := range stored {
		if keys[i] != "" {
			if err := n.store.SetNoteKey(ctx, keys[i], note.ID); err != nil {
				return err
			}
		}
	}
	for _, note := range stored {
		if !note.Digest {
			n.pusher.Push(note.UserID, note)
		}
	}
	return nil
}

// suppressed reports whether the last notification stored under key
// tells a note of type typ already (domain.NoteSuppressed).
func (n *Notifier) suppressed(ctx context.Context, userID, typ, key string, now time.Time) (bool, error) {
	id, err := n.store.NoteKeyHolder(ctx, key)
	if err != nil || id == "" {
		return false, err
	}
	last, err := n.store.NotificationOf(ctx, userID, id)
	if domain.IsKind(err, domain.KindNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return domain.NoteSuppressed(typ, last, now), nil
}

// senderLimits is a token bucket per sender: domain.SenderNoteBurst at
// once, refilled at domain.SenderNotesPerDay. In memory: a restart forgives.
type senderLimits struct {
	mu      sync.Mutex
	buckets map[string]*senderBucket
}

type senderBucket struct {
	tokens float64
	at     time.Time
}

func (l *senderLimits) allow(from string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*senderBucket{}
	}
	b := l.buckets[from]
	if b == nil {
		b = &senderBucket{tokens: domain.SenderNoteBurst, at: now}
		l.buckets[from] = b
	}
	b.tokens = min(domain.SenderNoteBurst, b.tokens+now.Sub(b.at).Hours()*domain.SenderNotesPerDay/24)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// NotificationList is a page of notifications with the unread count.
type NotificationList struct {
	domain.List[domain.Notification]
	Unread int `json:"unread"`
}

// List returns the caller's notifications, newest first.
func (n *Notifier) List(ctx context.Context, actor domain.Actor, unreadOnly bool, p domain.Page) (*NotificationList, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	items, total, unread, err := n.store.ListNotifications(ctx, actor.UserID, unreadOnly, p)
	if err != nil {
		return nil, err
	}
	return &NotificationList{List: domain.List[domain.Notification]{Items: items, Total: total, Page: p.Page, PageSize: p.PageSize}, Unread: unread}, nil
}

// Unread counts the caller's unread notifications.
func (n *Notifier) Unread(ctx context.Context, actor domain.Actor) (int, error) {
	if actor.Anonymous() {
		return 0, domain.ErrUnauthorized
	}
	return n.store.CountUnread(ctx, actor.UserID)
}

// MarkRead marks the caller's notifications read: those in ids, or all.
func (n *Notifier) MarkRead(ctx context.Context, actor domain.Actor, ids []string, all bool) error {
	if actor.Anonymous() {
		return domain.ErrUnauthorized
	}
	var v domain.Validator
	v.CheckCode(all != (len(ids) > 0), "ids", "ids_or_all", "give either ids or all: true")
	v.CheckCode(len(ids) <= 500, "ids", "too_many", "at most 500")
	for _, id := range ids {
		v.CheckCode(domain.ValidID(id), "ids", "invalid_id", "malformed id")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if all {
		ids = nil
	}
	return n.store.MarkRead(ctx, actor.UserID, ids)
}

// Settings returns the caller's delivery per type, every type listed.
func (n *Notifier) Settings(ctx context.Context, actor domain.Actor) (*domain.NotificationSettings, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := n.store.NotificationSettingsOf(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	full := &domain.NotificationSettings{UserID: s.UserID, Types: map[string]string{}}
	for _, t := range domain.NotificationTypes {
		full.Types[t] = s.Delivery(t)
	}
	return full, nil
}

// SaveSettings changes the caller's delivery for the types given.
func (n *Notifier) SaveSettings(ctx context.Context, actor domain.Actor, types map[string]string) (*domain.NotificationSettings, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	var v domain.Validator
	for t, d := range types {
		v.CheckCode(contains(domain.NotificationTypes, t), "types."+clip(t), "invalid_choice", "unknown notification type")
		v.CheckCode(d == domain.DeliverLive || d == domain.DeliverDigest || d == domain.DeliverOff, "types."+clip(t), "invalid_choice", "must be live, digest or off")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	s, err := n.store.NotificationSettingsOf(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	s.UserID = actor.UserID
	for t, d := range types {
		s.Types[t] = d
	}
	if err := n.store.SaveNotificationSettings(ctx, s); err != nil {
		return nil, err
	}
	return n.Settings(ctx, actor)
}

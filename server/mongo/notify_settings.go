package mongo

import (
	"context"
	"maps"
	"sync"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// settingsDoc is how settings are stored: notification types contain dots
// ("intro.accepted"), which FerretDB refuses as field names, so the choices
// are a list rather than a map.
type settingsDoc struct {
	UserID string           `bson:"_id"`
	Types  []typeDeliveryDB `bson:"types"`
}

type typeDeliveryDB struct {
	Type     string `bson:"type"`
	Delivery string `bson:"delivery"`
}

func (doc settingsDoc) settings() *domain.NotificationSettings {
	s := &domain.NotificationSettings{UserID: doc.UserID, Types: make(map[string]string, len(doc.Types))}
	for _, t := range doc.Types {
		s.Types[t.Type] = t.Delivery
	}
	return s
}

// settingsBatch bounds the ids of one read on MongoDB, so that a fan-out
// to a whole city (50,000 users) sends a few commands of a few hundred
// KB, well below MongoDB's 16 MB, rather than one per user.
const settingsBatch = 10_000

// settingsMemo holds, on the embedded engine, every stored user's
// notification delivery settings (few users set any; the rest get every
// type live), so that a fan-out to thousands reads none: the embedded
// engine pushes down only a filter that is exactly one _id, so a batched
// read ({_id: {$in: …}}) would decode the whole collection, and one read
// per recipient would cost thousands. It is read once per start (Warm, or
// the first use) and kept by SaveNotificationSettings under the user's
// lock after the write, this process being that database's only writer.
// A write whose outcome is unknown (an error) sends that user back to the
// database until the next start. On MongoDB, which other processes write
// too, nothing is held: each fan-out reads its recipients' settings.
type settingsMemo struct {
	mu     sync.RWMutex
	loaded bool
	byUser map[string]*domain.NotificationSettings // replaced on a write, never changed in place
	unsure map[string]bool
}

// load reads every user's settings if they are not held yet. It holds the
// write lock through the scan, so that a write landing meanwhile (saved)
// waits and is applied over what the scan found.
func (m *settingsMemo) load(ctx context.Context, d *DB) error {
	// Every fan-out calls this: once loaded, a read lock, so that fan-outs
	// do not queue behind one another.
	m.mu.RLock()
	loaded := m.loaded
	m.mu.RUnlock()
	if loaded {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded {
		return nil
	}
	byUser := map[string]*domain.NotificationSettings{}
	err := d.eachNotificationSettings(domain.Background(ctx), func(s *domain.NotificationSettings) error {
		byUser[s.UserID] = s
		return nil
	})
	if err != nil {
		return err
	}
	m.byUser, m.loaded = byUser, true
	return nil
}

// of copies into out the settings held for ids and returns the ids that
// must be read from the database instead (a write's outcome unknown).
func (m *settingsMemo) of(ids []string, out map[string]*domain.NotificationSettings) (unsure []string) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, id := range ids {
		if m.unsure[id] {
			unsure = append(unsure, id)
		} else if s := m.byUser[id]; s != nil {
			out[id] = cloneSettings(s)
		}
	}
	return unsure
}

// saved records a write of s (unknown: its outcome is not known). Before
// the load, the load reads what the write stored.
func (m *settingsMemo) saved(s *domain.NotificationSettings, unknown bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case unknown:
		if m.unsure == nil {
			m.unsure = map[string]bool{}
		}
		m.unsure[s.UserID] = true
	case m.loaded:
		m.byUser[s.UserID] = cloneSettings(s)
	}
}

// cloneSettings copies s: callers change what they are given (SaveSettings
// reads, edits and saves), and what the memo holds must not change with it.
func cloneSettings(s *domain.NotificationSettings) *domain.NotificationSettings {
	return &domain.NotificationSettings{UserID: s.UserID, Types: maps.Clone(s.Types)}
}

// NotificationSettingsOfUsers returns the delivery settings of those of
// userIDs who stored any, by user id; a user missing from the answer has
// every type live. On the embedded engine they come from memory
// (settingsMemo); on MongoDB, which other processes write, from the
// database, in one read per settingsBatch ids, so that a change saved by
// any process decides the next delivery of every process.
func (d *DB) NotificationSettingsOfUsers(ctx context.Context, userIDs []string) (map[string]*domain.NotificationSettings, error) {
	out := map[string]*domain.NotificationSettings{}
	if len(userIDs) == 0 {
		return out, nil
	}
	if !d.embedded {
		return out, d.readSettings(ctx, userIDs, out)
	}
	if err := d.settings.load(ctx, d); err != nil {
		return nil, err
	}
	if unsure := d.settings.of(userIDs, out); len(unsure) > 0 {
		if err := d.readSettings(ctx, unsure, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readSettings reads the settings of ids from the database into out: on
// MongoDB by batches of ids; on the embedded engine (only the few users
// whose last write's outcome is unknown) one _id at a time, the one
// filter it does not answer by decoding the whole collection.
func (d *DB) readSettings(ctx context.Context, ids []string, out map[string]*domain.NotificationSettings) error {
	col := d.db.Collection(colNoteSettings)
	if d.embedded {
		for _, id := range ids {
			var doc settingsDoc
			err := mapErr("notification settings", col.FindOne(ctx, byID(id)).Decode(&doc))
			if domain.IsKind(err, domain.KindNotFound) {
				delete(out, id)
				continue
			}
			if err != nil {
				return err
			}
			out[id] = doc.settings()
		}
		return nil
	}
	for at := 0; at < len(ids); at += settingsBatch {
		batch := ids[at:min(at+settingsBatch, len(ids))]
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: batch}}}}
		if err := each(ctx, d, colNoteSettings, filter, func(doc settingsDoc) error {
			out[doc.UserID] = doc.settings()
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// NotificationSettingsOf returns a user's settings (empty if never set),
// as NotificationSettingsOfUsers answers.
func (d *DB) NotificationSettingsOf(ctx context.Context, userID string) (*domain.NotificationSettings, error) {
	got, err := d.NotificationSettingsOfUsers(ctx, []string{userID})
	if err != nil {
		return nil, err
	}
	if s := got[userID]; s != nil {
		return s, nil
	}
	return &domain.NotificationSettings{UserID: userID, Types: map[string]string{}}, nil
}

// SaveNotificationSettings stores a user's settings. On the embedded
// engine the memo is updated after the write under the user's lock, so
// that of two writes of one user racing, the memo ends with the one the
// database ends with.
func (d *DB) SaveNotificationSettings(ctx context.Context, s *domain.NotificationSettings) error {
	doc := settingsDoc{UserID: s.UserID, Types: []typeDeliveryDB{}}
	for t, del := range s.Types {
		doc.Types = append(doc.Types, typeDeliveryDB{Type: t, Delivery: del})
	}
	if d.embedded {
		defer d.locks.lock(colNoteSettings + "/" + s.UserID)()
	}
	_, err := d.db.Collection(colNoteSettings).ReplaceOne(ctx, byID(s.UserID), doc, options.Replace().SetUpsert(true))
	if d.embedded {
		d.settings.saved(s, err != nil)
	}
	return mapErr("save notification settings", err)
}

// eachNotificationSettings calls fn for every user's stored settings (the
// memo's load; tests compare its straight read with the driver's).
func (d *DB) eachNotificationSettings(ctx context.Context, fn func(*domain.NotificationSettings) error) error {
	return loadAll(ctx, d, colNoteSettings, func(doc settingsDoc) error { return fn(doc.settings()) })
}

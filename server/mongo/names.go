package mongo

import (
	"context"
	"sync"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// nameBook holds every account's display name by id on the embedded
// engine, so that an answer naming many people (a roadshow record names
// everyone who chatted, asked or showed interest, each by the name they
// have now) reads no account, where it read one per person
// (docs/STORAGE.md). It is read once, in the
// background after start (LoadUserNames), and kept by this process's
// account writes, this process being that database's only writer. A write
// whose outcome is unknown (an error) sends that account back to the
// database until the next start. On MongoDB, which other processes write
// too, every name is read from the database.
type nameBook struct {
	mu      sync.RWMutex
	loading bool
	loaded  bool
	names   map[string]string
	written map[string]bool // set while loading: names newer than the scan
	unsure  map[string]bool
	// gen counts the changes to what the book answers (NamesVersion).
	gen uint64
}

// set records an account's name written by this process (unsure: the
// write's outcome is not known).
func (b *nameBook) set(id, name string, unsure bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.names == nil {
		b.names, b.written, b.unsure = map[string]string{}, map[string]bool{}, map[string]bool{}
	}
	b.gen++
	if unsure {
		b.unsure[id] = true
		return
	}
	b.names[id] = name
	if b.loading {
		b.written[id] = true
	}
}

// LoadUserNames reads every account's name into memory on the embedded
// engine (a scan of the accounts, once per start, in the background; until
// it is done names are read from the database).
func (d *DB) LoadUserNames(ctx context.Context) error {
	if !d.embedded {
		return nil
	}
	b := &d.names
	b.mu.Lock()
	if b.loaded || b.loading {
		b.mu.Unlock()
		return nil
	}
	if b.names == nil {
		b.names, b.written, b.unsure = map[string]string{}, map[string]bool{}, map[string]bool{}
	}
	b.loading = true
	b.mu.Unlock()
	scanned, err := d.scanUserNames(asBackground(ctx))
	b.mu.Lock()
	defer b.mu.Unlock()
	b.loading = false
	if err != nil {
		b.written = map[string]bool{}
		return err
	}
	for id, name := range scanned {
		if !b.written[id] {
			b.names[id] = name
		}
	}
	b.written, b.loaded = map[string]bool{}, true
	b.gen++
	return nil
}

// NamesVersion returns a number that changes whenever a name UserName
// answers from memory may change, and false while the names are read from
// the database instead (on MongoDB, which other processes write, and until
// LoadUserNames is done), where a change would not move it.
func (d *DB) NamesVersion() (uint64, bool) {
	b := &d.names
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.gen, d.embedded && b.loaded
}

// UserName returns the display name of the account with id: from memory
// once LoadUserNames has run on the embedded engine, else from the
// database.
func (d *DB) UserName(ctx context.Context, id string) (string, error) {
	b := &d.names
	b.mu.RLock()
	name, ok := b.names[id]
	known := b.loaded && !b.unsure[id]
	b.mu.RUnlock()
	switch {
	case known && ok:
		return name, nil
	case known:
		return "", domain.ErrNotFound
	}
	u, err := d.UserByID(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Name, nil
}

func (d *DB) scanUserNames(ctx context.Context) (map[string]string, error) {
	cur, err := d.db.Collection(colUsers).Find(ctx, bson.D{}, options.Find().SetBatchSize(1000).SetProjection(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, mapErr("scan user names", err)
	}
	defer cur.Close(ctx)
	out := map[string]string{}
	for cur.Next(ctx) {
		var u struct {
			ID   string `bson:"_id"`
			Name string `bson:"name"`
		}
		if err := cur.Decode(&u); err != nil {
			return nil, mapErr("decode user names", err)
		}
		out[u.ID] = u.Name
	}
	return out, mapErr("scan user names", cur.Err())
}

// nameWritten keeps the name book in line with an account write (unsure:
// its outcome is not known); only the embedded engine keeps the book.
func (d *DB) nameWritten(id, name string, unsure bool) {
	if d.embedded {
		d.names.set(id, name, unsure)
	}
}

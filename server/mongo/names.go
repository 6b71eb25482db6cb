package mongo

import (
	"context"
	"strconv"
	"sync"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// accountBook holds, on the embedded engine, what hot paths ask of every
// account: its display name, so that an answer naming many people (a
// roadshow record names everyone who chatted, asked or showed interest,
// each by the name they have now) reads no account, where it read one per
// person; and its session version, so that authenticating a call reads no
// account either (docs/STORAGE.md). It is read once per start, before
// /readyz says ready (LoadUserNames), and kept by this process's account writes,
// this process being that database's only writer. A write whose outcome
// is unknown (an error) sends that account back to the database until the
// next start. On MongoDB, which other processes write too, both are read
// from the database.
type accountBook struct {
	mu       sync.RWMutex
	loading  bool
	loaded   bool
	accounts map[string]heldAccount
	written  map[string]heldFields // set while loading: fields newer than the scan
	unsure   map[string]bool
	// gen counts the changes to the names the book answers (NamesVersion).
	gen uint64
}

// heldAccount is what the book holds of one account.
type heldAccount struct {
	name    string
	session int // domain.User.SessionVersion
}

// heldFields says which fields of a heldAccount a write set.
type heldFields uint8

const (
	heldName heldFields = 1 << iota
	heldSession
	heldAll = heldName | heldSession
)

func (b *accountBook) init() {
	if b.accounts == nil {
		b.accounts, b.written, b.unsure = map[string]heldAccount{}, map[string]heldFields{}, map[string]bool{}
	}
}

// set records the fields of an account written by this process (unsure:
// the write's outcome is not known).
func (b *accountBook) set(id string, a heldAccount, fields heldFields, unsure bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	cur, held := b.accounts[id]
	// The version moves when a name an answer may hold changes: not for a
	// new account (once loaded the book holds every account, so no answer
	// named this id yet) nor for a write that keeps the name (a password
	// change), which were most account writes, each sending every held
	// room back to look up its names.
	if unsure || b.loading || fields&heldName != 0 && held && cur.name != a.name {
		b.gen++
	}
	if unsure {
		b.unsure[id] = true
		return
	}
	if fields&heldName != 0 {
		cur.name = a.name
	}
	if fields&heldSession != 0 {
		cur.session = a.session
	}
	b.accounts[id] = cur
	if b.loading {
		b.written[id] |= fields
	}
}

// StringScan reads top-level string and integer fields (as their digits)
// of every document of a collection straight from the embedded engine's
// storage, for start-up scans of many documents (ferret.Server.ScanStrings):
// FerretDB answers a scan by decoding each document value by value, which
// for the accounts' names at city size cost 10 s of CPU beside the first
// requests.
type StringScan func(ctx context.Context, database, collection string, fields []string, fn func(values []string) error) error

// SetStringScan makes the embedded engine's start-up scans read through
// scan; without it they go through the driver. The platform and the tests'
// databases set it when they started the FerretDB.
func (d *DB) SetStringScan(scan StringScan) {
	if d.embedded {
		d.scan = scan
	}
}

// LoadUserNames reads every account's name and session version into
// memory on the embedded engine (a scan of the accounts, once per start,
// part of the start-up work; until it is done both are read from the
// database).
func (d *DB) LoadUserNames(ctx context.Context) error {
	if !d.embedded {
		return nil
	}
	b := &d.book
	b.mu.Lock()
	if b.loaded || b.loading {
		b.mu.Unlock()
		return nil
	}
	b.init()
	b.loading = true
	b.mu.Unlock()
	scanned, err := d.scanAccounts(domain.Background(ctx))
	b.mu.Lock()
	defer b.mu.Unlock()
	b.loading = false
	if err != nil {
		b.written = map[string]heldFields{}
		return err
	}
	for id, s := range scanned {
		w, cur := b.written[id], b.accounts[id]
		if w&heldName == 0 {
			cur.name = s.name
		}
		if w&heldSession == 0 {
			cur.session = s.session
		}
		b.accounts[id] = cur
	}
	b.written, b.loaded = map[string]heldFields{}, true
	b.gen++
	return nil
}

// NamesVersion returns a number that changes whenever a name UserName
// answers from memory may change, and false while the names are read from
// the database instead (on MongoDB, which other processes write, and until
// LoadUserNames is done), where a change would not move it.
func (d *DB) NamesVersion() (uint64, bool) {
	b := &d.book
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.gen, d.embedded && b.loaded
}

// held returns what the book holds of account id; known is false when the
// account must be read from the database instead (on MongoDB, until
// LoadUserNames is done, after a write whose outcome is unknown), found
// false when there is no such account.
func (d *DB) held(id string) (a heldAccount, found, known bool) {
	b := &d.book
	b.mu.RLock()
	defer b.mu.RUnlock()
	a, found = b.accounts[id]
	return a, found, d.embedded && b.loaded && !b.unsure[id]
}

// UserName returns the display name of the account with id: from memory
// once LoadUserNames has run on the embedded engine, else from the
// database.
func (d *DB) UserName(ctx context.Context, id string) (string, error) {
	a, found, known := d.held(id)
	switch {
	case known && found:
		return a.name, nil
	case known:
		return "", domain.ErrNotFound
	}
	u, err := d.UserByID(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Name, nil
}

// UserNames sets names[i] to the name of the account with ids[i], for
// each ids[i] that is not empty and whose account has a name, as UserName
// would answer each; names[i] is left as it is otherwise. It looks at the
// book once per batch of ids, not once per id: a roadshow record names
// 1,500 people at once.
func (d *DB) UserNames(ctx context.Context, ids, names []string) {
	var unknown []int // to read from the database
	b := &d.book
	const batch = 256 // ids per hold of the lock, so that writers wait little
	for at := 0; at < len(ids); at += batch {
		b.mu.RLock()
		known := d.embedded && b.loaded
		for i := at; i < min(at+batch, len(ids)); i++ {
			id := ids[i]
			switch {
			case id == "":
			case !known || len(b.unsure) > 0 && b.unsure[id]:
				unknown = append(unknown, i)
			default:
				if a := b.accounts[id]; a.name != "" {
					names[i] = a.name
				}
			}
		}
		b.mu.RUnlock()
	}
	for _, i := range unknown {
		if u, err := d.UserByID(ctx, ids[i]); err == nil && u.Name != "" {
			names[i] = u.Name
		}
	}
}

// HeldSessionVersion returns the session version of the account with id
// from memory, and held false when it must be read from the database
// instead (UserByID): on MongoDB, until LoadUserNames is done on the
// embedded engine, and for an account whose last write's outcome is
// unknown. found is false when there is no such account.
func (d *DB) HeldSessionVersion(id string) (v int, found, held bool) {
	a, found, held := d.held(id)
	return a.session, found, held
}

func (d *DB) scanAccounts(ctx context.Context) (map[string]heldAccount, error) {
	if d.scan != nil {
		out := map[string]heldAccount{}
		err := d.scan(ctx, d.db.Name(), colUsers, []string{"_id", "name", "sessionVersion"}, func(v []string) error {
			a := heldAccount{name: v[1]}
			if v[2] != "" { // omitted when 0
				n, err := strconv.Atoi(v[2])
				if err != nil {
					return err
				}
				a.session = n
			}
			out[v[0]] = a
			return nil
		})
		return out, mapErr("scan accounts", err)
	}
	cur, err := d.db.Collection(colUsers).Find(ctx, bson.D{}, options.Find().SetBatchSize(1000).
		SetProjection(bson.D{{Key: "name", Value: 1}, {Key: "sessionVersion", Value: 1}}))
	if err != nil {
		return nil, mapErr("scan accounts", err)
	}
	defer cur.Close(ctx)
	out := map[string]heldAccount{}
	for cur.Next(ctx) {
		var u struct {
			ID      string `bson:"_id"`
			Name    string `bson:"name"`
			Session int    `bson:"sessionVersion"`
		}
		if err := cur.Decode(&u); err != nil {
			return nil, mapErr("decode accounts", err)
		}
		out[u.ID] = heldAccount{name: u.Name, session: u.Session}
	}
	return out, mapErr("scan accounts", cur.Err())
}

// accountWritten keeps the book in line with an account write of fields
// (unsure: its outcome is not known); only the embedded engine keeps the
// book. A caller that may race another write of the same account holds
// its lock (lockAccount) across the write and this call, so that the book
// ends with the value the database ends with.
func (d *DB) accountWritten(id string, a heldAccount, fields heldFields, unsure bool) {
	if d.embedded {
		d.book.set(id, a, fields, unsure)
	}
}

// lockAccount serialises this process's writes of one account with their
// book updates.
func (d *DB) lockAccount(id string) func() { return d.locks.lock(colUsers + "/" + id) }

package mongo

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// expiryIndex is the embedded engine's list of what the token sweep will
// delete: the refresh tokens' and revocation marks' ids by the hour in
// which they expire, held in memory. It is read from the tables once per
// start (Warm, before the server says ready) and then kept by the writes
// (SaveRefresh, RevokeRefreshFamily), so the hourly sweep deletes by _id
// what has expired and reads no table (issue #12: no scan on the server's
// routine work). It is correct because this process is the embedded
// engine's only writer, and the tables stay the truth: a crash loses
// nothing the next start's read does not find again, tokens written by a
// release before the index included. A day bucket written with each token
// (MongoDB's refresh_expiry) would cost every sign-in and rotation one more
// fsynced write; the index costs memory (an id a token of the last 30
// days) and the start's read.
type expiryIndex struct {
	mu     sync.Mutex
	loaded bool
	hours  map[int64]*listed // the hour's start (Unix seconds) → ids
	// markHour is the hour each revocation mark is listed under: its latest
	// until's. A session revoked again (a logout repeated, a reuse found
	// again) moves its one entry rather than adding one, so the index
	// holds at most one entry a mark, however often a caller revokes.
	markHour map[string]int64
}

// listed is what the index lists under one hour.
type listed struct {
	tokens []string // a token's expiry never changes: listed once
	marks  map[string]struct{}
}

// expiring is what due takes out.
type expiring struct{ tokens, marks []string }

// add lists id to expire at at: a refresh token, or a revocation mark
// (mark), which stays listed under the latest of the hours it was given.
func (x *expiryIndex) add(at time.Time, id string, mark bool) {
	h := at.Truncate(time.Hour).Unix()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.hours == nil {
		x.hours, x.markHour = map[int64]*listed{}, map[string]int64{}
	}
	if mark {
		if p, ok := x.markHour[id]; ok {
			if p >= h {
				return // the later listing sweeps it (sweepMark reads its until)
			}
			delete(x.hours[p].marks, id)
		}
		x.markHour[id] = h
	}
	e := x.hours[h]
	if e == nil {
		e = &listed{marks: map[string]struct{}{}}
		x.hours[h] = e
	}
	if mark {
		e.marks[id] = struct{}{}
	} else {
		e.tokens = append(e.tokens, id)
	}
}

// due takes out what expired in the hours that ended by now.
func (x *expiryIndex) due(now time.Time) (e expiring) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for h, l := range x.hours {
		if h+3600 <= now.Unix() {
			e.tokens = append(e.tokens, l.tokens...)
			for id := range l.marks {
				e.marks = append(e.marks, id)
				delete(x.markHour, id)
			}
			delete(x.hours, h)
		}
	}
	return e
}

// loadExpiry reads every refresh token's and revocation mark's expiry into
// the index, once per process: Warm calls it before the server says ready;
// a sweep without it (a test, a tool) reads them first itself. Entries the
// writes added meanwhile stay: an id listed twice is deleted twice, the
// second time finding nothing.
func (d *DB) loadExpiry(ctx context.Context) error {
	d.expiry.mu.Lock()
	loaded := d.expiry.loaded
	d.expiry.mu.Unlock()
	if loaded || !d.embedded {
		return nil
	}
	for _, c := range []struct {
		col, field string
		mark       bool
	}{{colRefresh, "expiresAt", false}, {colRevoked, "until", true}} {
		if err := d.eachExpiry(ctx, c.col, c.field, func(id string, at time.Time) {
			d.expiry.add(at, id, c.mark)
		}); err != nil {
			return err
		}
	}
	d.expiry.mu.Lock()
	d.expiry.loaded = true
	d.expiry.mu.Unlock()
	return nil
}

// eachExpiry calls fn with the id and date field of every document of col
// that has both, read straight from FerretDB's SQLite table (StringScan: a
// date is stored as its milliseconds) where it can. A revocation mark of
// an earlier release, without a date, goes with its expiry bucket.
func (d *DB) eachExpiry(ctx context.Context, col, field string, fn func(id string, at time.Time)) error {
	return d.scanFields(ctx, col, []string{"_id", field}, func(v []string) error {
		if v[0] == "" || v[1] == "" {
			return nil
		}
		ms, err := strconv.ParseInt(v[1], 10, 64)
		if err != nil {
			return err
		}
		fn(v[0], time.UnixMilli(ms))
		return nil
	})
}

// sweepIndexed deletes, on the embedded engine, the refresh tokens and
// revocation marks of the index's hours that ended by now, each by _id. A
// token's expiry never changes; a mark's may (a later revocation of its
// session replaces it with a later until, listed again under that hour),
// so a mark is read first and kept while its stored until is still to come.
// It returns how many tokens it deleted. The deletes are background writes:
// each waits for a quiet moment of the users' writes. What a failed write
// leaves is listed again for the next sweep.
func (d *DB) sweepIndexed(ctx context.Context, now time.Time) (int, error) {
	ctx = domain.Background(ctx)
	if err := d.loadExpiry(ctx); err != nil {
		return 0, err
	}
	e := d.expiry.due(now)
	n := 0
	for i, id := range e.tokens {
		d.giveWay(ctx)
		res, err := d.db.Collection(colRefresh).DeleteOne(ctx, byID(id))
		if err != nil {
			for _, left := range e.tokens[i:] {
				d.expiry.add(now.Add(-time.Hour), left, false)
			}
			for _, left := range e.marks {
				d.expiry.add(now.Add(-time.Hour), left, true)
			}
			return n, mapErr("sweep refresh token", err)
		}
		n += int(res.DeletedCount)
	}
	for i, id := range e.marks {
		d.giveWay(ctx)
		if err := d.sweepMark(ctx, id, now); err != nil {
			for _, left := range e.marks[i:] {
				d.expiry.add(now.Add(-time.Hour), left, true)
			}
			return n, err
		}
	}
	return n, nil
}

// sweepMark deletes the revocation mark of family if its until has passed.
func (d *DB) sweepMark(ctx context.Context, family string, now time.Time) error {
	var m struct {
		Until time.Time `bson:"until"`
	}
	err := mapErr("sweep revocation mark", d.db.Collection(colRevoked).FindOne(ctx, byID(family)).Decode(&m))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil
	}
	if err != nil || !m.Until.Before(now) {
		return err // a later until is listed under its own hour
	}
	_, err = d.db.Collection(colRevoked).DeleteOne(ctx, byID(family))
	return mapErr("sweep revocation mark", err)
}

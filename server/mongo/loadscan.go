package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// DocumentScan calls fn with every document of a collection, as BSON,
// straight from the embedded engine's storage (ferret.Server.ScanDocuments).
type DocumentScan func(ctx context.Context, database, collection string, fn func(doc []byte) error) error

// SetDocumentScan makes the start-up loads of whole collections into
// memory (the read model's startups, investors, spaces, roadshows,
// attendance…; the plan's services; the notification settings) read
// through scan: through FerretDB each document is decoded value by value,
// filtered, projected and encoded again for the driver, which at a city's
// size was most of the start (docs/bench/start.md). The documents are
// decoded as the driver's answer would be, so both roads give the same
// values (TestLoadScansAnswerAsTheDriver). Without it, or on MongoDB, they
// are read through the driver. The platform and the tests' databases set
// it when they started the FerretDB.
func (d *DB) SetDocumentScan(scan DocumentScan) {
	if d.embedded {
		d.scanDocs = scan
	}
}

// loadAll calls fn for every document of col, decoded into a T: straight
// from the embedded engine's storage when the platform gave the way
// (SetDocumentScan), else through the driver. It is a scan either way,
// so the scan watcher hears of it (scanwatch.go): the start-up loads run
// before the server says ready, and any other use is one to find. Should
// the straight road fail on a document (a stored form it does not know,
// after a FerretDB upgrade, say), the documents it had not given fn yet
// are read through the driver, so that a start never fails for want of
// the fast road (TestLoadFallsBackToTheDriver).
func loadAll[T any](ctx context.Context, d *DB, col string, fn func(T) error) error {
	if d.scanDocs == nil {
		return each(ctx, d, col, bson.D{}, fn)
	}
	if watch := d.scans.Load(); watch != nil {
		(*watch)(Scan{Collection: col, Command: "find (straight)", Filter: "{}"})
	}
	seen := map[string]bool{}
	var fnErr error
	err := d.scanDocs(ctx, d.db.Name(), col, func(raw []byte) error {
		var v T
		if err := bson.Unmarshal(raw, &v); err != nil {
			return mapErr("decode "+col, err)
		}
		if fnErr = fn(v); fnErr != nil {
			return fnErr
		}
		if id, ok := bson.Raw(raw).Lookup("_id").StringValueOK(); ok {
			seen[id] = true
		}
		return nil
	})
	switch {
	case err == nil:
		return nil
	case fnErr != nil:
		return fnErr // the caller's own error, as each returns it
	case ctx.Err() != nil:
		return mapErr("scan "+col, err)
	}
	return each(ctx, d, col, bson.D{}, func(raw bson.Raw) error {
		if id, ok := raw.Lookup("_id").StringValueOK(); ok && seen[id] {
			return nil // given to fn by the straight road already
		}
		var v T
		if err := bson.Unmarshal(raw, &v); err != nil {
			return mapErr("decode "+col, err)
		}
		return fn(v)
	})
}

package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// An ended roadshow's room events never change again, so they are kept a
// second time, folded into one document by _id whose events are one
// binary field: FerretDB decodes a document field by field (about 0.2 ms
// per room event on this machine, so 0.4 s for a full room of 2,000),
// while a binary field costs it only the parsing of its base64 text in the
// SQLite row, which grows with its size. The events are therefore in the
// room log's compact form (roadshow.EncodeLog: no field names, each person
// and startup written once), about a third of the same events as BSON, and
// read back without reflection. The room's buckets stay the record of
// truth; this copy is derived from them, and a missing one is rebuilt from
// them.
const (
	colRoomRecords = "roadshow_records"
	// roomRecordMax keeps a folded record well inside MongoDB's 16 MiB
	// document limit; a bigger room is read from its buckets.
	roomRecordMax = 12 << 20
)

// roomRecord is a folded room. Version 6 stored the events as a BSON
// document in Events (roomEvents); version 7 stores the compact log in Log.
type roomRecord struct {
	ID     string      `bson:"_id"`
	Count  int         `bson:"count"`
	Log    bson.Binary `bson:"log,omitempty"`
	Events bson.Binary `bson:"events,omitempty"`
}

type roomEvents struct {
	Events []domain.RoomEvent `bson:"e"`
}

// BinaryRead returns one document's top-level binary field, its bytes as
// a string, by its string _id, straight from the embedded engine's storage
// (ferret.Server.ReadBinary), and false if the document or such a field is
// not there. A string, because the records decoded from it keep strings
// that share its bytes: made once, it is not copied again.
type BinaryRead func(ctx context.Context, database, collection, id, field string) (string, bool, error)

// SetBinaryRead makes the embedded engine's room records read through read
// (a settled room's first read since start: FerretDB's parsing of the
// record's base64 inside its JSON, its BSON on the wire and the driver's
// decoding were most of that read's time); without it, or on MongoDB, they
// are read through the driver. The platform and the tests' databases set
// it when they started the FerretDB.
func (d *DB) SetBinaryRead(read BinaryRead) {
	if d.embedded {
		d.readBinary = read
	}
}

// RoomRecord returns an ended roadshow's folded room log, and false if none
// is stored.
func (d *DB) RoomRecord(ctx context.Context, roadshowID string) ([]roadshow.Logged, bool, error) {
	if d.readBinary != nil {
		raw, ok, err := d.readBinary(ctx, d.db.Name(), colRoomRecords, roadshowID, "log")
		if err != nil {
			return nil, false, mapErr("room record", err)
		}
		if ok { // else none, or version 6's form: through the driver
			log, err := roadshow.DecodeLog(raw)
			if err != nil {
				return nil, false, mapErr("room record decode", err)
			}
			return log, true, nil
		}
	}
	var rec roomRecord
	err := mapErr("room record", d.db.Collection(colRoomRecords).FindOne(ctx, byID(roadshowID)).Decode(&rec))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	log, err := rec.log()
	if err != nil {
		return nil, false, mapErr("room record decode", err)
	}
	return log, true, nil
}

// log reads the record in either stored form.
func (rec *roomRecord) log() ([]roadshow.Logged, error) {
	if rec.Log.Data != nil {
		return roadshow.DecodeLog(string(rec.Log.Data))
	}
	var evs roomEvents
	if err := bson.Unmarshal(rec.Events.Data, &evs); err != nil {
		return nil, err
	}
	return roadshow.FromRecords(evs.Events)
}

// SaveRoomRecord stores an ended roadshow's room events, folded (see
// RoomRecord), and what its record shows (SaveSettledRecord). It is
// idempotent: a record stored already is kept, and a room too big for one
// document is not folded (it reports false).
func (d *DB) SaveRoomRecord(ctx context.Context, roadshowID string, events []domain.RoomEvent) (bool, error) {
	log, err := roadshow.FromRecords(events)
	if err != nil {
		return false, err
	}
	rec, ok, err := newRoomRecord(roadshowID, log)
	if !ok || err != nil {
		return false, err
	}
	_, err = d.db.Collection(colRoomRecords).InsertOne(ctx, rec)
	if err = mapErr("save room record", err); err != nil && !domain.IsKind(err, domain.KindConflict) {
		return false, err
	} // else stored, or folded already
	return d.SaveSettledRecord(ctx, roadshowID, roadshow.Settle(log))
}

// newRoomRecord encodes a room's log; false if it is too big to fold.
func newRoomRecord(roadshowID string, log []roadshow.Logged) (roomRecord, bool, error) {
	raw, err := roadshow.EncodeLog(log)
	if err != nil {
		return roomRecord{}, false, mapErr("room record encode", err)
	}
	if len(raw) > roomRecordMax {
		return roomRecord{}, false, nil
	}
	return roomRecord{ID: roadshowID, Count: len(log), Log: bson.Binary{Subtype: bson.TypeBinaryGeneric, Data: raw}}, true, nil
}

// roadshowIDs lists every roadshow's id, by which the migrations find each
// room's stored documents (a scan of those documents would make FerretDB
// decode each whole one once more).
func roadshowIDs(ctx context.Context, d *DB) ([]string, error) {
	var ids []string
	err := each(ctx, d, colRoadshows, bson.D{}, func(r struct {
		ID string `bson:"_id"`
	}) error {
		ids = append(ids, r.ID)
		return nil
	})
	return ids, err
}

// migrateRoomRecords rewrites version 6's folded records (BSON events) in
// the compact form, each replaced whole by _id, so a re-run converges. The
// records are found by the roadshows' ids (a scan of the records would
// make FerretDB decode each whole record once more). A record that does
// not read, or would not fold now, is deleted: it is a copy of the
// buckets, which the next read folds again.
func migrateRoomRecords(ctx context.Context, d *DB) error {
	ids, err := roadshowIDs(ctx, d)
	if err != nil {
		return err
	}
	col := d.db.Collection(colRoomRecords)
	// Four at a time: each is a read and a write of its own document, and
	// the reads' decoding runs beside the other rooms' fsyncs.
	return parallel(ctx, 4, len(ids), func(i int) error {
		id := ids[i]
		var rec roomRecord
		err := mapErr("room record", col.FindOne(ctx, byID(id)).Decode(&rec))
		if domain.IsKind(err, domain.KindNotFound) || (err == nil && rec.Log.Data != nil) {
			return nil
		}
		if err != nil {
			return err
		}
		log, err := rec.log()
		var next roomRecord
		ok := err == nil
		if ok {
			if next, ok, err = newRoomRecord(id, log); err != nil {
				ok = false
			}
		}
		if !ok {
			_, err := col.DeleteOne(ctx, byID(id))
			return mapErr("delete room record", err)
		}
		_, err = col.ReplaceOne(ctx, byID(id), next)
		return mapErr("rewrite room record", err)
	})
}

package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// An ended roadshow's room events never change again, so they are kept a
// second time, folded into one document by _id whose events are one BSON
// blob: FerretDB decodes a document field by field (about 0.2 ms per room
// event on this machine, so 0.4 s for a full room of 2,000), while a
// binary field costs it next to nothing and the driver decodes the blob in
// a few milliseconds. The room's buckets stay the record of truth; this
// copy is derived from them, and a missing one is rebuilt from them.
const (
	colRoomRecords = "roadshow_records"
	// roomRecordMax keeps a folded record well inside MongoDB's 16 MiB
	// document limit; a bigger room is read from its buckets.
	roomRecordMax = 12 << 20
)

type roomRecord struct {
	ID     string      `bson:"_id"`
	Count  int         `bson:"count"`
	Events bson.Binary `bson:"events"`
}

type roomEvents struct {
	Events []domain.RoomEvent `bson:"e"`
}

// RoomRecord returns an ended roadshow's folded room events, and false if
// none is stored.
func (d *DB) RoomRecord(ctx context.Context, roadshowID string) ([]domain.RoomEvent, bool, error) {
	var rec roomRecord
	err := mapErr("room record", d.db.Collection(colRoomRecords).FindOne(ctx, byID(roadshowID)).Decode(&rec))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var evs roomEvents
	if err := bson.Unmarshal(rec.Events.Data, &evs); err != nil {
		return nil, false, mapErr("room record decode", err)
	}
	if evs.Events == nil {
		evs.Events = []domain.RoomEvent{}
	}
	return evs.Events, true, nil
}

// SaveRoomRecord stores an ended roadshow's room events, folded (see
// RoomRecord). It is idempotent: a record stored already is kept, and a
// room too big for one document is not folded (it reports false).
func (d *DB) SaveRoomRecord(ctx context.Context, roadshowID string, events []domain.RoomEvent) (bool, error) {
	raw, err := bson.Marshal(roomEvents{Events: events})
	if err != nil {
		return false, mapErr("room record encode", err)
	}
	if len(raw) > roomRecordMax {
		return false, nil
	}
	_, err = d.db.Collection(colRoomRecords).InsertOne(ctx, roomRecord{ID: roadshowID, Count: len(events),
		Events: bson.Binary{Subtype: bson.TypeBinaryGeneric, Data: raw}})
	if err = mapErr("save room record", err); domain.IsKind(err, domain.KindConflict) {
		return true, nil // folded already
	}
	return err == nil, err
}

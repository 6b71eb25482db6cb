package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// A settled room's record is read by everyone who opens it, its log only
// by a live room opened on it (RoomRecord). So what the record shows is
// kept a third time, folded (roadshow.Settle): the visible chat and
// questions, each author once, the stages and the interest, in its
// compact form (roadshow.EncodeSettled). A room's first read since start
// then decodes that and folds nothing, and reads less: no votes, no
// hidden messages, no room events of the live room alone. Like the log's
// copy it is derived from the buckets, the record of truth, and a missing
// one is made again from the log.
const colSettledRecords = "roadshow_settled"

type settledRecord struct {
	ID      string      `bson:"_id"`
	Settled bson.Binary `bson:"settled"`
}

// SettledRecord returns what an ended roadshow's record shows of its room
// in its stored form (roadshow.EncodeSettled's; its reader decodes it:
// roadshow.DecodeSettled, or roadshow.WalkSettled to keep its bytes), and
// false if it is not stored.
func (d *DB) SettledRecord(ctx context.Context, roadshowID string) (string, bool, error) {
	if d.readBinary != nil {
		b, ok, err := d.readBinary(ctx, d.db.Name(), colSettledRecords, roadshowID, "settled")
		if err != nil || !ok {
			return "", false, mapErr("settled record", err)
		}
		return b, true, nil
	}
	var rec settledRecord
	err := mapErr("settled record", d.db.Collection(colSettledRecords).FindOne(ctx, byID(roadshowID)).Decode(&rec))
	if domain.IsKind(err, domain.KindNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return string(rec.Settled.Data), true, nil
}

// SaveSettledRecord stores what an ended roadshow's record shows. It is
// idempotent: one stored already is kept (a room's settled record never
// changes); one too big for a document is not stored (false).
func (d *DB) SaveSettledRecord(ctx context.Context, roadshowID string, s *roadshow.Settled) (bool, error) {
	rec, ok, err := newSettledRecord(roadshowID, s)
	if !ok || err != nil {
		return false, err
	}
	_, err = d.db.Collection(colSettledRecords).InsertOne(ctx, rec)
	if err = mapErr("save settled record", err); domain.IsKind(err, domain.KindConflict) {
		return true, nil
	}
	return err == nil, err
}

func newSettledRecord(roadshowID string, s *roadshow.Settled) (settledRecord, bool, error) {
	raw, err := roadshow.EncodeSettled(s)
	if err != nil {
		return settledRecord{}, false, mapErr("settled record encode", err)
	}
	if len(raw) > roomRecordMax {
		return settledRecord{}, false, nil
	}
	return settledRecord{ID: roadshowID, Settled: bson.Binary{Subtype: bson.TypeBinaryGeneric, Data: raw}}, true, nil
}

// migrateSettledRecords stores, for each folded room log (found by the
// roadshows' ids, as migrateRoomRecords does), what its record shows,
// settledBatch to a write; a re-run inserts what is missing (a duplicate
// _id is one stored already). A log that does not read is left to the
// read, which folds the buckets again.
func migrateSettledRecords(ctx context.Context, d *DB) error {
	ids, err := roadshowIDs(ctx, d)
	if err != nil {
		return err
	}
	const settledBatch = 16
	return parallel(ctx, 2, (len(ids)+settledBatch-1)/settledBatch, func(b int) error {
		var docs []any
		for _, id := range ids[b*settledBatch : min(len(ids), (b+1)*settledBatch)] {
			log, ok, err := d.RoomRecord(ctx, id)
			if err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil || !ok {
				continue // none, or unreadable: the first read folds it
			}
			rec, ok, err := newSettledRecord(id, roadshow.Settle(log))
			if err != nil {
				return err
			}
			if ok {
				docs = append(docs, rec)
			}
		}
		return d.insertMany(ctx, colSettledRecords, docs)
	})
}

package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const (
	// dropProbe drops are asked for in one read where the number waiting
	// is not known (a user's first read after a start): one read finds
	// up to that many, however few there are.
	dropProbe = dropsMax
	// dropsPerRead bounds the ids of one read of drops.
	dropsPerRead = 100
)

// drops reads a user's drops from k on, up to the first missing one, and
// returns their items in order and the number of the first missing drop:
// the hinted ones at once, or dropProbe at a time until one is missing
// (one at a time where each is a read of its own: without
// SetDocumentsRead, as on MongoDB).
func (d *DB) drops(ctx context.Context, userID string, k int) ([]domain.Notification, int, error) {
	if h, ok := d.hints.get(userID); ok && h.drops == k {
		got, err := d.readDrops(ctx, userID, k, h.next-k)
		if err != nil {
			return nil, k, err
		}
		var out []domain.Notification
		for i, dr := range got {
			if dr == nil {
				return out, k + i, nil // not there yet: read as the end
			}
			out = appendDrop(out, dr, userID)
		}
		return out, h.next, nil
	}
	if d.hints.none(userID) {
		return nil, k, nil
	}
	probe := 1
	if d.readDocs != nil {
		probe = dropProbe
	}
	var out []domain.Notification
	for i := k; ; i += probe {
		d.dropProbes.Add(1)
		got, err := d.readDrops(ctx, userID, i, probe)
		if err != nil {
			return nil, i, err
		}
		for j, dr := range got {
			if dr == nil {
				if d.embedded {
					d.hints.set(userID, dropHint{drops: k, next: i + j}, false)
				}
				return out, i + j, nil
			}
			out = appendDrop(out, dr, userID)
		}
	}
}

func appendDrop(out []domain.Notification, dr *noteDrop, userID string) []domain.Notification {
	for _, n := range dr.Items {
		n.UserID = userID
		out = append(out, n)
	}
	return out
}

// readDrops reads the user's drops from..from+n-1, nil for each missing:
// in one read of them all (a few if there are more than dropsPerRead) on
// the embedded engine, else each by its _id, four at a time.
func (d *DB) readDrops(ctx context.Context, userID string, from, n int) ([]*noteDrop, error) {
	out := make([]*noteDrop, n)
	if d.readDocs == nil {
		err := parallel(ctx, 4, n, func(i int) error {
			var dr noteDrop
			ok, err := d.findByID(ctx, "notification drops", colNoteDrops, dropID(userID, from+i), &dr)
			if ok {
				out[i] = &dr
			}
			return err
		})
		return out, err
	}
	for at := 0; at < n; at += dropsPerRead {
		ids := make([]string, min(dropsPerRead, n-at))
		for i := range ids {
			ids[i] = dropID(userID, from+at+i)
		}
		raws, err := d.readDocs(ctx, d.db.Name(), colNoteDrops, ids)
		if err != nil {
			return nil, mapErr("notification drops", err)
		}
		for i, raw := range raws {
			if raw != nil {
				if out[at+i], err = decodeDrop(raw); err != nil {
					return nil, mapErr("notification drops decode", err)
				}
			}
		}
	}
	return out, nil
}

// decodeDrop decodes a stored drop as bson.Unmarshal would, by hand when
// it and its notes are of the usual shape (decodeItem), else by the
// driver.
func decodeDrop(raw []byte) (*noteDrop, error) {
	dr := &noteDrop{}
	if decodeDropByHand(string(raw), dr) {
		return dr, nil
	}
	*dr = noteDrop{}
	return dr, bson.Unmarshal(raw, dr)
}

func decodeDropByHand(doc string, dr *noteDrop) bool {
	body, ok := bsonBody(doc)
	for ok && body != "" {
		var e bsonElem
		if e, body, ok = bsonNext(body); !ok {
			return false
		}
		switch e.key {
		case "_id":
			dr.ID, ok = e.str()
		case "items":
			ok = e.typ == bsonArray && decodeNotes(e.val, &dr.Items)
		default:
			ok = false
		}
	}
	return ok
}

// decodeNotes decodes a BSON array of notifications of the usual shape.
func decodeNotes(arr string, out *[]domain.Notification) bool {
	vals, ok := bsonBody(arr)
	if !ok {
		return false
	}
	var docs []string
	for vals != "" {
		var v bsonElem
		if v, vals, ok = bsonNext(vals); !ok || v.typ != bsonDocument {
			return false
		}
		docs = append(docs, v.val)
	}
	ns := make([]domain.Notification, len(docs))
	for i, doc := range docs {
		var it noteItem
		if !decodeItem(doc, &it) || it.Pos != 0 {
			return false
		}
		ns[i] = it.Notification
	}
	*out = ns
	return true
}

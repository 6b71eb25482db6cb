package mongo

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// decodeItems decodes a bucket's packed items (BSON of packedItems) into
// what bson.Unmarshal would give, by hand for an item whose fields are the
// usual ones with the usual types and whose data holds only strings,
// numbers, booleans and nulls: the driver's decoding by reflection, a map
// per item, was the larger part of a page's read once the read itself came
// straight from storage (docs/bench/notes.md). Any other item is decoded
// by bson.Unmarshal, and so is a value that is not the usual shape.
func decodeItems(packed []byte) ([]noteItem, error) {
	byDriver := func() ([]noteItem, error) {
		var p packedItems
		err := bson.Unmarshal(packed, &p)
		return p.Items, err
	}
	els, err := bsoncore.Document(packed).Elements()
	if err != nil || len(els) != 1 || els[0].Key() != "items" {
		return byDriver()
	}
	arr, ok := els[0].Value().ArrayOK()
	if !ok {
		return byDriver()
	}
	vals, err := arr.Values()
	if err != nil {
		return byDriver()
	}
	out := make([]noteItem, len(vals))
	for i, v := range vals {
		doc, ok := v.DocumentOK()
		if !ok || !decodeItem(doc, &out[i]) {
			out[i] = noteItem{}
			if err := bson.Unmarshal(v.Data, &out[i]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// decodeItem sets it from doc and reports whether doc was of the shape it
// knows; if not, it is decoded by the driver instead.
func decodeItem(doc bsoncore.Document, it *noteItem) bool {
	rest, ok := docBody(doc)
	for ok && len(rest) > 1 {
		var e bsoncore.Element
		if e, rest, ok = bsoncore.ReadElement(rest); !ok {
			return false
		}
		v := e.Value()
		switch string(e.KeyBytes()) {
		case "pos":
			switch v.Type {
			case bsoncore.TypeInt32:
				var n int32
				n, ok = v.Int32OK()
				it.Pos = int(n)
			case bsoncore.TypeInt64:
				var n int64
				n, ok = v.Int64OK()
				it.Pos = int(n)
			default:
				ok = false
			}
		case "_id":
			it.ID, ok = v.StringValueOK()
		case "userId":
			it.UserID, ok = v.StringValueOK()
		case "type":
			it.Type, ok = v.StringValueOK()
		case "read":
			it.Read, ok = v.BooleanOK()
		case "digest":
			it.Digest, ok = v.BooleanOK()
		case "digested":
			it.Digested, ok = v.BooleanOK()
		case "createdAt":
			var ms int64
			if ms, ok = v.DateTimeOK(); ok {
				it.CreatedAt = time.UnixMilli(ms).UTC()
			}
		case "data":
			ok = decodeData(v, &it.Data)
		default:
			ok = false
		}
	}
	return ok && len(rest) == 1
}

// docBody returns a document's elements and its closing zero byte.
func docBody(doc bsoncore.Document) ([]byte, bool) {
	n, _, ok := bsoncore.ReadLength(doc)
	if !ok || n < 5 || int(n) != len(doc) || doc[n-1] != 0 {
		return nil, false
	}
	return doc[4:], true
}

// decodeData decodes a notification's data as the driver decodes a
// map[string]any of scalars: null as a nil map, a document as a map.
func decodeData(v bsoncore.Value, data *map[string]any) bool {
	if v.Type == bsoncore.TypeNull {
		*data = nil
		return true
	}
	doc, ok := v.DocumentOK()
	if !ok {
		return false
	}
	rest, ok := docBody(doc)
	m := make(map[string]any, 4)
	for ok && len(rest) > 1 {
		var e bsoncore.Element
		if e, rest, ok = bsoncore.ReadElement(rest); !ok {
			return false
		}
		v := e.Value()
		var x any
		switch v.Type {
		case bsoncore.TypeString:
			x, ok = v.StringValueOK()
		case bsoncore.TypeDouble:
			x, ok = v.DoubleOK()
		case bsoncore.TypeInt32:
			x, ok = v.Int32OK()
		case bsoncore.TypeInt64:
			x, ok = v.Int64OK()
		case bsoncore.TypeBoolean:
			x, ok = v.BooleanOK()
		case bsoncore.TypeNull:
			x, ok = nil, true
		default:
			ok = false
		}
		m[e.Key()] = x
	}
	if !ok || len(rest) != 1 {
		return false
	}
	*data = m
	return true
}

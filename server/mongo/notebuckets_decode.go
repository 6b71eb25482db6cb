package mongo

import (
	"math"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// decodeItems decodes a bucket's packed items (BSON of packedItems) into
// what bson.Unmarshal would give, by hand for an item whose fields are the
// usual ones with the usual types and whose data holds only strings,
// numbers, booleans and nulls: the driver's decoding by reflection, a map
// per item, was the larger part of a page's read once the read itself came
// straight from storage (docs/bench/notes.md). The strings of those items
// (ids, types, data keys and values) are parts of packed, not copies: a
// page's items cost a map and a number each, not seven allocations
// (docs/bench/notelist.md). Any other item is decoded by bson.Unmarshal,
// and so is a packed value that is not the usual shape.
func decodeItems(packed string) ([]noteItem, error) {
	byDriver := func() ([]noteItem, error) {
		var p packedItems
		err := bson.Unmarshal([]byte(packed), &p)
		return p.Items, err
	}
	body, ok := bsonBody(packed)
	if !ok {
		return byDriver()
	}
	e, rest, ok := bsonNext(body)
	if !ok || rest != "" || e.typ != bsonArray || e.key != "items" {
		return byDriver()
	}
	vals, ok := bsonBody(e.val)
	if !ok {
		return byDriver()
	}
	n := 0
	for rest := vals; rest != ""; n++ {
		var v bsonElem
		if v, rest, ok = bsonNext(rest); !ok || v.typ != bsonDocument {
			return byDriver()
		}
	}
	out := make([]noteItem, n)
	for i := range out {
		var v bsonElem
		v, vals, _ = bsonNext(vals)
		if !decodeItem(v.val, &out[i]) {
			out[i] = noteItem{}
			if err := bson.Unmarshal([]byte(v.val), &out[i]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// decodeItem sets it from doc and reports whether doc was of the shape it
// knows; if not, it is decoded by the driver instead.
func decodeItem(doc string, it *noteItem) bool {
	rest, ok := bsonBody(doc)
	for ok && rest != "" {
		var e bsonElem
		if e, rest, ok = bsonNext(rest); !ok {
			return false
		}
		switch e.key {
		case "pos":
			switch e.typ {
			case bsonInt32:
				it.Pos = int(int32(le32(e.val)))
			case bsonInt64:
				it.Pos = int(int64(le64(e.val)))
			default:
				ok = false
			}
		case "_id":
			it.ID, ok = e.str()
		case "userId":
			it.UserID, ok = e.str()
		case "type":
			it.Type, ok = e.str()
		case "read":
			it.Read, ok = e.bool()
		case "digest":
			it.Digest, ok = e.bool()
		case "digested":
			it.Digested, ok = e.bool()
		case "createdAt":
			if ok = e.typ == bsonDateTime; ok {
				it.CreatedAt = time.UnixMilli(int64(le64(e.val))).UTC()
			}
		case "data":
			ok = decodeData(e, &it.Data)
		default:
			ok = false
		}
	}
	return ok
}

// decodeData decodes a notification's data as the driver decodes a
// map[string]any of scalars: null as a nil map, a document as a map.
func decodeData(e bsonElem, data *map[string]any) bool {
	if e.typ == bsonNull {
		*data = nil
		return true
	}
	if e.typ != bsonDocument {
		return false
	}
	rest, ok := bsonBody(e.val)
	m := make(map[string]any, 4)
	for ok && rest != "" {
		var v bsonElem
		if v, rest, ok = bsonNext(rest); !ok {
			return false
		}
		var x any
		switch v.typ {
		case bsonString:
			x, ok = v.str()
		case bsonDouble:
			x = math.Float64frombits(le64(v.val))
		case bsonInt32:
			x = int32(le32(v.val))
		case bsonInt64:
			x = int64(le64(v.val))
		case bsonBool:
			x, ok = v.bool()
		case bsonNull:
		default:
			ok = false
		}
		m[v.key] = x
	}
	if !ok {
		return false
	}
	*data = m
	return true
}

// The BSON types the hand decoding reads.
const (
	bsonDouble   = 0x01
	bsonString   = 0x02
	bsonDocument = 0x03
	bsonArray    = 0x04
	bsonBool     = 0x08
	bsonDateTime = 0x09
	bsonNull     = 0x0A
	bsonInt32    = 0x10
	bsonInt64    = 0x12
)

// bsonElem is one element of a BSON document: its type, key and value's
// bytes, all parts of the document's text.
type bsonElem struct {
	typ      byte
	key, val string
}

// bsonBody returns a BSON document's elements without its length and its
// closing zero byte, and whether doc is exactly one document.
func bsonBody(doc string) (string, bool) {
	if len(doc) < 5 {
		return "", false
	}
	n := le32(doc)
	if n != uint32(len(doc)) || doc[len(doc)-1] != 0 {
		return "", false
	}
	return doc[4 : len(doc)-1], true
}

// bsonNext splits the first element off body, and reports false for an
// element of a type the hand decoding does not read or one cut short.
func bsonNext(body string) (bsonElem, string, bool) {
	if len(body) < 2 {
		return bsonElem{}, "", false
	}
	e := bsonElem{typ: body[0]}
	k := strings.IndexByte(body[1:], 0)
	if k < 0 {
		return bsonElem{}, "", false
	}
	e.key, body = body[1:1+k], body[2+k:]
	size := 0
	switch e.typ {
	case bsonNull:
	case bsonBool:
		size = 1
	case bsonInt32:
		size = 4
	case bsonDouble, bsonDateTime, bsonInt64:
		size = 8
	case bsonString, bsonDocument, bsonArray:
		if len(body) < 4 {
			return bsonElem{}, "", false
		}
		n := int64(le32(body))
		if e.typ == bsonString {
			n += 4 // the length counts the text and its zero byte only
		}
		if n < 5 || n > int64(len(body)) {
			return bsonElem{}, "", false
		}
		size = int(n)
	default:
		return bsonElem{}, "", false
	}
	if size > len(body) {
		return bsonElem{}, "", false
	}
	e.val = body[:size]
	return e, body[size:], true
}

// str returns a string element's text (a part of the document's).
func (e bsonElem) str() (string, bool) {
	if e.typ != bsonString || e.val[len(e.val)-1] != 0 {
		return "", false
	}
	return e.val[4 : len(e.val)-1], true
}

// bool returns a boolean element's value; a byte other than 0 or 1 is
// left to the driver.
func (e bsonElem) bool() (bool, bool) {
	if e.typ != bsonBool || e.val[0] > 1 {
		return false, false
	}
	return e.val[0] == 1, true
}

// le32 and le64 read a little-endian number at the start of s.
func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func le64(s string) uint64 { return uint64(le32(s)) | uint64(le32(s[4:]))<<32 }

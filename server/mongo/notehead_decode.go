package mongo

// decodeHead sets h from a stored head (BSON) as bson.Unmarshal would and
// reports whether the head was of the usual shape; if not, h is left as
// it was and the caller decodes it by the driver. The driver's decoding by
// reflection was a twelfth of a list's time in the server once its reads
// came straight from storage (docs/bench/notelist.md).
func decodeHead(doc string, h *noteHead) bool {
	c := *h
	rest, ok := bsonBody(doc)
	for ok && rest != "" {
		var e bsonElem
		if e, rest, ok = bsonNext(rest); !ok {
			return false
		}
		switch e.key {
		case "_id":
			c.UserID, ok = e.str()
		case "version":
			c.Version, ok = e.int()
		case "count":
			c.Count, ok = e.int()
		case "unread":
			c.Unread, ok = e.int()
		case "unreadFrom":
			c.UnreadFrom, ok = e.int()
		case "digestFrom":
			c.DigestFrom, ok = e.int()
		case "lastDigest":
			c.LastDigest, ok = e.int()
		case "drops":
			c.Drops, ok = e.int()
		case "firsts":
			c.Firsts, ok = e.strings()
		default:
			ok = false
		}
	}
	if ok {
		*h = c
	}
	return ok
}

// int returns a 32- or 64-bit integer element's value.
func (e bsonElem) int() (int, bool) {
	switch e.typ {
	case bsonInt32:
		return int(int32(le32(e.val))), true
	case bsonInt64:
		return int(int64(le64(e.val))), true
	}
	return 0, false
}

// strings returns an array of strings' texts (parts of the document's).
func (e bsonElem) strings() ([]string, bool) {
	if e.typ != bsonArray {
		return nil, false
	}
	vals, ok := bsonBody(e.val)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(vals)/32)
	for vals != "" {
		var v bsonElem
		if v, vals, ok = bsonNext(vals); !ok {
			return nil, false
		}
		s, ok := v.str()
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

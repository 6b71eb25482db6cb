package app

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// AppendJSON appends l's JSON encoding to b: byte for byte what
// encoding/json writes (TestNotificationListJSON), without its reflection
// and its sorting of each item's data through interfaces. Once the page's
// reads came straight from storage, encoding its 20 items was the largest
// part of a full list (docs/bench/notes.md). A data value that is not a
// string, number, boolean or null is written by encoding/json.
func (l *NotificationList) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"items":`...)
	if l.Items == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range l.Items {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendNotification(b, &l.Items[i]); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	b = domain.AppendPageFields(b, l.Total, l.Page, l.PageSize)
	b = append(b, `,"unread":`...)
	b = strconv.AppendInt(b, int64(l.Unread), 10)
	return append(b, '}'), nil
}

func appendNotification(b []byte, n *domain.Notification) ([]byte, error) {
	if y := n.CreatedAt.Year(); y < 0 || y > 9999 { // encoding/json's error, as it gives it
		return appendMarshaled(b, n)
	}
	b = append(b, `{"id":`...)
	b = domain.AppendJSONString(b, n.ID)
	b = append(b, `,"type":`...)
	b = domain.AppendJSONString(b, n.Type)
	b = append(b, `,"data":`...)
	if n.Data == nil {
		b = append(b, "null"...)
	} else {
		var kept [8]dataField // a notification's data holds a few fields
		fields := kept[:0]
		for k, v := range n.Data {
			fields = append(fields, dataField{k, v})
		}
		slices.SortFunc(fields, func(x, y dataField) int { return strings.Compare(x.key, y.key) })
		b = append(b, '{')
		for i, f := range fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = domain.AppendJSONString(b, f.key)
			b = append(b, ':')
			var err error
			if b, err = appendDataValue(b, f.val); err != nil {
				return b, err
			}
		}
		b = append(b, '}')
	}
	b = append(b, `,"read":`...)
	b = strconv.AppendBool(b, n.Read)
	b = append(b, `,"digest":`...)
	b = strconv.AppendBool(b, n.Digest)
	b = append(b, `,"createdAt":"`...)
	b = n.CreatedAt.AppendFormat(b, time.RFC3339Nano)
	return append(b, `"}`...), nil
}

type dataField struct {
	key string
	val any
}

func appendDataValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return domain.AppendJSONString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			return domain.AppendJSONFloat(b, x), nil
		}
	}
	return appendMarshaled(b, v)
}

func appendMarshaled(b []byte, v any) ([]byte, error) {
	out, err := json.Marshal(v)
	return append(b, out...), err
}

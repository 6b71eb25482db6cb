package app

import (
	"strconv"
	"time"

	json "github.com/goccy/go-json"
	"github.com/yuechuang/yuechuang/server/domain"
)

// A full room's record is about 2,000 messages and questions. Encoding it
// through reflection meant a room event with a map per message, each map's
// keys sorted on every answer; the chat and the questions are therefore
// written straight from the room's fold, and the few other parts (the
// roadshow, the stages, interest and attendance) by the encoder the API
// uses for everything else. The bytes are those that encoder makes of
// v.record() (TestRecordJSONAsEncoded), so the struct tags stay the
// contract.

// appendJSON appends the view's JSON encoding, as a Record's, to b.
func (v *recordView) appendJSON(b []byte) []byte {
	b = append(b, `{"roadshow":`...)
	b = appendEncoded(b, v.rec.Roadshow)
	b = append(b, `,"chat":[`...)
	for i, c := range v.fold.Chat {
		if i > 0 {
			b = append(b, ',')
		}
		// domain.RoomEvent's JSON, as roadshow.Record makes a message
		b = append(b, `{"seq":`...)
		b = strconv.AppendInt(b, c.Seq, 10)
		b = append(b, `,"type":"chat","userId":`...)
		b = appendText(b, v.fold.People[c.Person].UserID, v.fold.plainID(c.Person))
		b = append(b, `,"userName":`...)
		b = domain.AppendJSONString(b, v.names[c.Person])
		b = append(b, `,"data":{"text":`...)
		b = appendText(b, c.Text, v.fold.plainChat(i))
		b = append(b, `},"ts":`...)
		b = appendMillis(b, c.At)
		b = append(b, '}')
	}
	b = append(b, `],"questions":[`...)
	for i, q := range v.fold.Questions {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, q.Seq, 10)
		b = append(b, `,"text":`...)
		b = appendText(b, q.Text, v.fold.plainQuestion(i))
		b = append(b, `,"userName":`...)
		b = domain.AppendJSONString(b, v.names[q.Person])
		b = append(b, `,"votes":`...)
		b = strconv.AppendInt(b, int64(q.Votes), 10)
		b = append(b, `,"answered":`...)
		b = strconv.AppendBool(b, q.Answered)
		b = append(b, `,"at":`...)
		b = appendMillis(b, q.At)
		b = append(b, '}')
	}
	b = append(b, `],"interest":`...)
	b = appendEncoded(b, v.rec.Interest)
	b = append(b, `,"attendance":`...)
	b = appendEncoded(b, v.rec.Attendance)
	b = append(b, `,"stages":`...)
	b = appendEncoded(b, v.rec.Stages)
	return append(b, '}')
}

// appendText appends s as a JSON string; plain says it needs no escaping.
func appendText(b []byte, s string, plain bool) []byte {
	if !plain {
		return domain.AppendJSONString(b, s)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendEncoded appends x as the API's encoder writes it.
func appendEncoded(b []byte, x any) []byte {
	out, err := json.Marshal(x)
	if err != nil { // the record's parts are plain data: never
		return append(b, "null"...)
	}
	return append(b, out...)
}

// appendMillis appends a time the log kept to the millisecond, in UTC, as
// time.Time's JSON.
func appendMillis(b []byte, ms int64) []byte {
	b = append(b, '"')
	b = msTime(ms).AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

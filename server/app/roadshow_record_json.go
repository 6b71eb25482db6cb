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
	var at millisWriter
	b = append(b, `{"roadshow":`...)
	b = appendEncoded(b, v.rec.Roadshow)
	b = append(b, `,"chat":[`...)
	f := v.fold
	for i, c := range f.chat {
		if i > 0 {
			b = append(b, ',')
		}
		// domain.RoomEvent's JSON, as roadshow.Record makes a message
		b = append(b, `{"seq":`...)
		b = strconv.AppendInt(b, c.Seq, 10)
		b = append(b, `,"type":"chat","userId":`...)
		p := &f.people[c.Person]
		b = appendText(b, f.str(p.id), p.plainID)
		b = append(b, `,"userName":`...)
		b = appendText(b, v.names.names[c.Person], v.names.plain[c.Person])
		b = append(b, `,"data":{"text":`...)
		b = appendText(b, f.str(c.text), c.plain)
		b = append(b, `},"ts":`...)
		b = at.append(b, c.At)
		b = append(b, '}')
	}
	b = append(b, `],"questions":[`...)
	for i, q := range f.questions {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, q.Seq, 10)
		b = append(b, `,"text":`...)
		b = appendText(b, f.str(q.text), q.plain)
		b = append(b, `,"userName":`...)
		b = appendText(b, v.names.names[q.Person], v.names.plain[q.Person])
		b = append(b, `,"votes":`...)
		b = strconv.AppendInt(b, int64(q.Votes), 10)
		b = append(b, `,"answered":`...)
		b = strconv.AppendBool(b, q.Answered)
		b = append(b, `,"at":`...)
		b = at.append(b, q.At)
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

// appendText appends s (a name, or a span of a fold) as a JSON string;
// plain says it needs no escaping.
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

// millisWriter appends times the log kept to the millisecond as
// time.Time's JSON writes them in UTC (RFC 3339, the fraction's trailing
// zeros cut). A record's 1,700 times fall on a day or two, so the date is
// formatted once per day and the time of day by hand: formatting each
// through time.Time.AppendFormat was a fifth of writing a record.
type millisWriter struct {
	day  int64
	date []byte // "2006-01-02T" of day
}

const (
	msPerDay = 24 * 60 * 60 * 1000
	// msYear10000 is where RFC 3339's four-digit years end.
	msYear10000 = 253402300800000
)

func (w *millisWriter) append(b []byte, ms int64) []byte {
	if ms < 0 || ms >= msYear10000 { // before 1970 or past 9999: rare enough for the general road
		return appendMillis(b, ms)
	}
	if day := ms / msPerDay; w.date == nil || day != w.day {
		w.day, w.date = day, msTime(day*msPerDay).AppendFormat(w.date[:0], "2006-01-02T")
	}
	b = append(b, '"')
	b = append(b, w.date...)
	in := ms % msPerDay
	s := in / 1000
	b = append(b, byte('0'+s/36000), byte('0'+s/3600%10), ':', byte('0'+s/600%6), byte('0'+s/60%10), ':', byte('0'+s%60/10), byte('0'+s%10))
	if f := in % 1000; f != 0 {
		b = append(b, '.', byte('0'+f/100))
		if f%100 != 0 {
			b = append(b, byte('0'+f/10%10))
			if f%10 != 0 {
				b = append(b, byte('0'+f%10))
			}
		}
	}
	return append(b, 'Z', '"')
}

// appendMillis appends a time the log kept to the millisecond, in UTC, as
// time.Time's JSON.
func appendMillis(b []byte, ms int64) []byte {
	b = append(b, '"')
	b = msTime(ms).AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

package app

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// TestJSONPlain: a string jsonPlain lets through is written by the JSON
// appender exactly as it is, and every byte and rune the appender escapes
// makes a string not plain.
func TestJSONPlain(t *testing.T) {
	cases := []string{"", "你好，请问量产时间？", "plain ascii 123 !#$%'()*+,-./:;=?@[]^_`{|}~\x7f", "5ca1e0000000000000000001",
		"a<b", "a>b", "a&b", `a"b`, `a\b`, "a\nb", "a\x00b", "a\x1fb", "a\u2028b", "a\u2029b", "bad \xff", "\xe2\x80", "\u2027\u202a",
		"\ufffd", "\xed\xa0\x80", "\xe0\x80\xaf", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "请问？\u2028"}
	for c := 0; c < 256; c++ {
		cases = append(cases, "x"+string(rune(c))+"y", "x"+string([]byte{byte(c)})+"y")
	}
	// Every lead byte before continuation bytes and others, cut short too:
	// overlong forms, surrogates, U+FFFD, four-byte runes.
	for c := 0x80; c < 256; c++ {
		for d := 0x70; d < 0xC8; d++ {
			for e := 0x70; e < 0xC8; e += 7 {
				seq := string([]byte{byte(c), byte(d), byte(e)})
				cases = append(cases, seq, "字"+seq+"\x80\x80", seq[:2])
			}
		}
	}
	for _, s := range cases {
		asIs := string(domain.AppendJSONString(nil, s)) == `"`+s+`"`
		if jsonPlain(s) != asIs {
			t.Errorf("jsonPlain(%q) = %v, but the appender writes it as it is: %v", s, jsonPlain(s), asIs)
		}
	}
}

// TestMillisAsTime: the record's times written by hand are time.Time's
// JSON (encoding/json's), for times on one day after another as a room's
// are, across days and years, with every kind of fraction, and at the
// ends of four-digit years; times outside them as time formats them.
func TestMillisAsTime(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var times []int64
	for _, ms := range []int64{0, 1, 999, 1000, msPerDay - 1, msPerDay, 951782400000 /* 2000-02-29 */, 4107542399999, msYear10000 - 1} {
		times = append(times, ms)
	}
	at := time.Date(2026, 11, 27, 23, 40, 0, 0, time.UTC).UnixMilli()
	for range 5000 { // a room's: a few seconds apart, over midnight
		at += rnd.Int64N(3000)
		times = append(times, at)
	}
	for range 20000 {
		times = append(times, rnd.Int64N(msYear10000), rnd.Int64N(msYear10000)/1000*1000+int64(rnd.IntN(10))*100, rnd.Int64N(4e12)/10*10)
	}
	var w millisWriter
	for _, ms := range times {
		want, err := json.Marshal(msTime(ms))
		if err != nil {
			t.Fatal(err)
		}
		if got := w.append(nil, ms); string(got) != string(want) {
			t.Fatalf("%d: %s, want %s", ms, got, want)
		}
	}
	for _, ms := range []int64{-1, -msPerDay - 1, -62135596800000, msYear10000, msYear10000 + 1} {
		if got, want := w.append(nil, ms), appendMillis(nil, ms); string(got) != string(want) {
			t.Fatalf("%d: %s, want %s", ms, got, want)
		}
	}
}

package roadshow

import (
	"reflect"
	"testing"
	"time"
)

func codecLog() []Logged {
	at := func(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
	return []Logged{
		{Seq: 1, At: at(1_764_000_000_000), Event: Stage{Slot: 0, Page: 1, StartupID: "s1", StartupName: "越创 <one>", Deadline: time.UnixMilli(1_764_000_600_000)}},
		{Seq: 2, At: at(1_764_000_000_900), UserID: "u1", UserName: "创客甲", Event: Chat{Text: "你好 \"world\" \u2028 <b>"}},
		{Seq: 3, At: at(1_764_000_000_100), UserID: "u2", UserName: "", Event: Question{Text: ""}}, // time going back
		{Seq: 4, At: at(1_764_000_001_000), UserID: "u1", UserName: "创客甲", Event: Vote{QuestionID: 3}},
		{Seq: 6, At: at(1_764_000_002_000), Event: Answer{QuestionID: 3}}, // a gap in seq
		{Seq: 7, At: at(1_764_000_003_000), Event: Hide{MessageID: 2}},
		{Seq: 8, At: at(1_764_000_004_000), Event: Mute{UserID: "u2"}},
		{Seq: 9, At: at(1_764_000_005_000), UserID: "u3", UserName: "投资人", Event: Interest{StartupID: "s1"}},
		{Seq: 10, At: at(1_764_000_006_000), Event: Speaker{UserID: "u3", Name: "投资人"}},
		{Seq: 11, At: at(1_764_000_007_000), Event: Media{UserID: "u3", Video: true, Off: true}},
		{Seq: 12, At: at(1_764_000_008_000), Event: Media{UserID: "u3", ByHost: true}},
		{Seq: 13, At: at(1_764_000_009_000), Event: OffStage{UserID: "u3"}},
		{Seq: 14, At: at(1_764_000_010_000), Event: Stage{Slot: 1, Page: 0, StartupID: "s2", StartupName: "二", Deadline: time.UnixMilli(0)}},
		{Seq: 15, At: time.Time{}, Event: Ended{}}, // a zero time
		{Seq: -3, At: at(-5), UserID: "u1", UserName: "创客甲", Event: Vote{QuestionID: -1}},
	}
}

// idLog has ids as the database makes them (24 lowercase hex digits, kept
// as 12 bytes) beside strings that only look like them.
func idLog() []Logged {
	at := time.UnixMilli(1_764_000_000_000).UTC()
	var log []Logged
	for i, id := range []string{"5ca1e0000000000000000001", "6745f0a1b2c3d4e5f6a7b8c9", "5CA1E0000000000000000001", "5ca1e000000000000000001",
		"5ca1e00000000000000000012", "5ca1e000000000000000000g", "5ca1e0000000000000000001"} {
		log = append(log, Logged{Seq: int64(i + 1), At: at, UserID: id, UserName: id, Event: Interest{StartupID: id}})
	}
	return log
}

// v1Log is codecLog as version 1 wrote it (every string as its bytes):
// data that release stored must still read.
const v1Log = "\x01\n\x00\x02s1\f越创 <one>\x02u1\t创客甲\x02u2\x02u3\t投资人\x02s2\x03二\x0f\a\x02\x80\xa0\xbf\xe9\xd6f\x00\x00\x00\x02\x01\x02\x80\xbf\x88\xea\xd6f\x01\x02\x88\x0e\x03\x04\x16你好 \"world\" \u2028 <b>\x02\x02\xbf\f\x05\x00\x00\x03\x02\x88\x0e\x03\x04\x06\x04\x04\xd0\x0f\x00\x00\x06\x05\x02\xd0\x0f\x00\x00\x04\x06\x02\xd0\x0f\x00\x00\x05\b\x02\xd0\x0f\x06\a\x01\n\x02\xd0\x0f\x00\x00\x06\a\f\x02\xd0\x0f\x00\x00\x06\x03\f\x02\xd0\x0f\x00\x00\x06\x04\v\x02\xd0\x0f\x00\x00\x06\a\x02\xd0\x0f\x00\x00\x02\x00\b\t\x00\t\x02\x9f\x9c\xa7\x8c\xb9\x87\x1d\x00\x00\x03#\xf6\xdf\xe6\xa2\xe2\xa0\x1c\x03\x04\x01"

// TestLogCodecReadsVersion1: a log version 1 wrote reads as it went in.
func TestLogCodecReadsVersion1(t *testing.T) {
	got, err := DecodeLog(v1Log)
	if err != nil {
		t.Fatal(err)
	}
	if want := codecLog(); !reflect.DeepEqual(got, want) {
		t.Fatalf("version 1's log reads as\n%#v\nwant\n%#v", got, want)
	}
}

// TestLogCodecRoundTrip: every kind of event, with repeated and empty
// strings, gaps and steps back in seq and time, comes back as it went in.
func TestLogCodecRoundTrip(t *testing.T) {
	for _, log := range [][]Logged{codecLog(), idLog(), {}} {
		b, err := EncodeLog(log)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeLog(string(b))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(log) {
			t.Fatalf("%d events back, want %d", len(got), len(log))
		}
		for i := range log {
			if !reflect.DeepEqual(got[i], log[i]) {
				t.Errorf("event %d:\n got %#v\nwant %#v", i, got[i], log[i])
			}
		}
		if len(log) > 0 && Fold(got).Seq != Fold(log).Seq {
			t.Errorf("folds differ")
		}
	}
	if _, err := EncodeLog([]Logged{{Seq: 1}}); err == nil {
		t.Error("an event with no kind was encoded")
	}
	// An id as the database makes them is kept as its 12 bytes: the same
	// log with the ids in capitals (not such ids) is 12 bytes longer per id.
	ids := []Logged{{Seq: 1, UserID: "6745f0a1b2c3d4e5f6a7b8c9", Event: Mute{UserID: "5ca1e0000000000000000001"}}}
	caps := []Logged{{Seq: 1, UserID: "6745F0A1B2C3D4E5F6A7B8C9", Event: Mute{UserID: "5CA1E0000000000000000001"}}}
	a, _ := EncodeLog(ids)
	b, _ := EncodeLog(caps)
	if len(b)-len(a) != 24 {
		t.Errorf("ids as bytes save %d bytes, want 24", len(b)-len(a))
	}
}

// TestLogCodecRefusesCorrupt: every truncation, a wrong version and
// trailing bytes are refused, never read as a shorter log.
func TestLogCodecRefusesCorrupt(t *testing.T) {
	b, _ := EncodeLog(codecLog())
	for n := range len(b) {
		if _, err := DecodeLog(string(b[:n])); err == nil {
			t.Fatalf("a log cut at %d of %d bytes was read", n, len(b))
		}
	}
	bad := append([]byte{}, b...)
	bad[0] = 99
	if _, err := DecodeLog(string(bad)); err == nil {
		t.Error("an unknown version was read")
	}
	if _, err := DecodeLog(string(b) + "\x00"); err == nil {
		t.Error("trailing bytes were accepted")
	}
}

// FuzzDecodeLog: no input makes the decoder panic; what it reads encodes
// back to a log that reads the same.
func FuzzDecodeLog(f *testing.F) {
	b, _ := EncodeLog(codecLog())
	f.Add(b)
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		log, err := DecodeLog(string(b))
		if err != nil {
			return
		}
		again, err := EncodeLog(log)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeLog(string(again))
		if err != nil || len(back) != len(log) {
			t.Fatalf("re-encoded log does not read back: %v", err)
		}
	})
}

package roadshow

import (
	"reflect"
	"testing"
	"time"
)

// settleLog is a room's log with what the record leaves out (a hidden
// message and question, a second vote by the same person, a second
// interest by the same investor), a guest without an account under two
// names, and an investor who only signalled interest.
func settleLog() []Logged {
	at := func(s int64) time.Time { return time.UnixMilli(1_764_000_000_000 + s*1000).UTC() }
	id := "6745f0a1b2c3d4e5f6a7b8c9"
	return []Logged{
		{Seq: 1, At: at(1), Event: Stage{Slot: 0, Page: 1, StartupID: "s1", StartupName: "一号", Deadline: time.UnixMilli(1_764_000_600_000)}},
		{Seq: 2, At: at(2), UserID: id, UserName: "创客甲", Event: Chat{Text: "你好 \"world\""}},
		{Seq: 3, At: at(3), UserID: "u2", UserName: "乙", Event: Chat{Text: "藏起来"}},
		{Seq: 4, At: at(4), UserName: "游客A", Event: Chat{Text: "guest"}},
		{Seq: 5, At: at(5), UserName: "游客B", Event: Question{Text: "guest question?"}},
		{Seq: 6, At: at(6), UserID: "u2", UserName: "乙改名", Event: Question{Text: "毛利率？"}},
		{Seq: 7, At: at(7), UserID: id, UserName: "创客甲", Event: Vote{QuestionID: 6}},
		{Seq: 8, At: at(8), UserID: id, UserName: "创客甲", Event: Vote{QuestionID: 6}},
		{Seq: 9, At: at(9), UserID: "u4", UserName: "丁", Event: Vote{QuestionID: 6}},
		{Seq: 10, At: at(10), Event: Answer{QuestionID: 6}},
		{Seq: 11, At: at(11), UserID: id, UserName: "创客甲", Event: Question{Text: "hidden"}},
		{Seq: 12, At: at(12), Event: Hide{MessageID: 11}},
		{Seq: 13, At: at(13), Event: Hide{MessageID: 3}},
		{Seq: 14, At: at(14), UserID: "inv", UserName: "投资人", Event: Interest{StartupID: "s1"}},
		{Seq: 15, At: at(15), UserID: "inv", UserName: "投资人", Event: Interest{StartupID: "s1"}},
		{Seq: 16, At: at(16), UserID: "u2", UserName: "乙", Event: Interest{StartupID: "s2"}},
		{Seq: 17, At: at(17), Event: Stage{Slot: 1, StartupID: "s2", StartupName: "二号", Deadline: time.UnixMilli(1_764_000_900_000)}},
		{Seq: 18, At: at(18), Event: Ended{}},
	}
}

// TestSettle: the record's fold keeps visible messages and questions with
// each author once (a guest once per name), counts a person's votes once,
// keeps the first interest per investor and startup, and the stages.
func TestSettle(t *testing.T) {
	s := Settle(settleLog())
	id := "6745f0a1b2c3d4e5f6a7b8c9"
	wantPeople := []Author{{id, "创客甲"}, {"", "游客A"}, {"", "游客B"}, {"u2", "乙改名"}}
	if !reflect.DeepEqual(s.People, wantPeople) {
		t.Errorf("people %v, want %v", s.People, wantPeople)
	}
	if len(s.Chat) != 2 || s.Chat[0].Seq != 2 || s.Chat[1].Seq != 4 || s.Chat[1].Person != 1 || s.Chat[0].Text != "你好 \"world\"" {
		t.Errorf("chat %+v", s.Chat)
	}
	if len(s.Questions) != 2 || s.Questions[0].Person != 2 || s.Questions[1].Votes != 2 || !s.Questions[1].Answered || s.Questions[1].Person != 3 {
		t.Errorf("questions %+v", s.Questions)
	}
	if len(s.Interest) != 2 || s.Interest[0].UserID != "inv" || s.Interest[1].StartupID != "s2" || !reflect.DeepEqual(s.InterestBy, []int32{-1, 3}) {
		t.Errorf("interest %+v by %v", s.Interest, s.InterestBy)
	}
	if len(s.Stages) != 3 || s.Stages[2].Seq != 18 {
		t.Errorf("stages %+v", s.Stages)
	}
}

// TestSettledCodecRoundTrip: a settled record comes back as it went in,
// as the fold of the log read back from its own compact form gives it
// (times to the millisecond, in UTC), an empty room too.
func TestSettledCodecRoundTrip(t *testing.T) {
	for _, log := range [][]Logged{settleLog(), codecLog(), idLog(), {}} {
		b, err := EncodeLog(log)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := DecodeLog(string(b))
		if err != nil {
			t.Fatal(err)
		}
		want := Settle(stored)
		enc, err := EncodeSettled(Settle(log))
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeSettled(string(enc))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []*Settled{got, want} { // nil and empty are alike
			s.People, s.Stages, s.Interest = append([]Author{}, s.People...), append([]Logged{}, s.Stages...), append([]InterestSignal{}, s.Interest...)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("settled record back as\n%#v\nwant\n%#v", got, want)
		}
	}
}

// TestSettledCodecCorrupt: every cut of a settled record, a byte changed
// where it breaks a count or a place, and another version are errors,
// never a panic or a record.
func TestSettledCodecCorrupt(t *testing.T) {
	enc, err := EncodeSettled(Settle(settleLog()))
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(enc) {
		if s, err := DecodeSettled(string(enc[:n])); err == nil {
			t.Fatalf("%d of %d bytes read as %+v", n, len(enc), s)
		}
	}
	if _, err := DecodeSettled("\x02" + string(enc[1:])); err == nil {
		t.Error("another version read")
	}
	if _, err := DecodeSettled(string(enc) + "\x00"); err == nil {
		t.Error("a byte too many read")
	}
	for i := 1; i < len(enc); i++ {
		b := append([]byte(nil), enc...)
		b[i] ^= 0xff
		_, _ = DecodeSettled(string(b)) // must not panic
	}
}

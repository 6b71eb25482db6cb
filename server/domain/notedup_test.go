package domain

import (
	"testing"
	"time"
)

// TestNoteSuppressed: one rule decides for every kind; kinds differ only
// in their quiet time and whether they count against the sender.
func TestNoteSuppressed(t *testing.T) {
	now := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	unread := &Notification{CreatedAt: now.Add(-90 * 24 * time.Hour)}
	readToday := &Notification{Read: true, CreatedAt: now.Add(-time.Hour)}
	readLongAgo := &Notification{Read: true, CreatedAt: now.Add(-31 * 24 * time.Hour)}
	for _, c := range []struct {
		typ  string
		last *Notification
		want bool
	}{
		{NoteDeckRequested, nil, false},
		{NoteDeckRequested, unread, true},
		{NoteDeckRequested, readToday, false}, // a request asked again is a reminder
		{NoteInterest, unread, true},
		{NoteInterest, readToday, true}, // a state told twice tells nothing
		{NoteInterest, readLongAgo, false},
		{NoteDeckGranted, readToday, true},
		{NoteIntroRequested, readToday, false},
		{NoteRoadshowAnswer, unread, true},
	} {
		if got := NoteSuppressed(c.typ, c.last, now); got != c.want {
			t.Errorf("NoteSuppressed(%s, %+v) = %v, want %v", c.typ, c.last, got, c.want)
		}
	}
	for _, typ := range []string{NoteInterest, NoteDeckRequested, NoteIntroRequested, NoteQuestion} {
		if !NoteRuleOf(typ).Limited {
			t.Errorf("%s does not count against its sender", typ)
		}
	}
	for _, typ := range []string{NoteIntroAccepted, NoteDeckGranted, NoteRoadshowAnswer, NoteMatch} {
		if NoteRuleOf(typ).Limited {
			t.Errorf("%s, an answer or a fan-out, counts against its sender", typ)
		}
	}
	if NoteDedupKey("u", NoteMatch, "", "s") != "" {
		t.Error("a note with no sender is merged")
	}
}

package app

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// tell notifies users of an event in the background: a lost notice must
// not undo the change that caused it.
func (svc *Alliance) tell(e *domain.Event, typ string, users []string) {
	if svc.notify == nil {
		return
	}
	seen := map[string]bool{}
	var notes []Note
	for _, u := range users {
		if u != "" && !seen[u] {
			seen[u] = true
			notes = append(notes, Note{UserID: u, Type: typ, Data: map[string]any{"eventId": e.ID, "kind": e.Kind, "title": e.Title, "startsAt": e.StartsAt}})
		}
	}
	if len(notes) == 0 {
		return
	}
	go func() {
		// Nobody waits for these: their writes give way to users' (domain.Background).
		ctx, cancel := context.WithTimeout(domain.Background(context.Background()), time.Minute)
		defer cancel()
		if err := svc.notify.NotifyMany(ctx, notes); err != nil {
			svc.log.Error("event notifications", "event", e.ID, "type", typ, "err", err)
		}
	}()
}

// RunReminders tells those registered for each event that starts within
// 15 minutes, once (as roadshows' reminders), until ctx ends.
func (svc *Alliance) RunReminders(ctx context.Context) {
	every(ctx, reminderCheck, svc.log, "event reminders", svc.Remind)
}

// Remind sends the reminders that are due: to those registered and, for
// a contest, its entrants and judges.
func (svc *Alliance) Remind(ctx context.Context) error {
	now := svc.now()
	for _, e := range svc.book.eventList() {
		if e.Reminded || e.Status != domain.EventScheduled || e.StartsAt.After(now.Add(reminderLead)) || e.StartsAt.Before(now.Add(-time.Hour)) {
			continue
		}
		e.Reminded = true
		if err := svc.store(ctx, e); err != nil {
			if domain.IsKind(err, domain.KindConflict) {
				continue // changed meanwhile: the next check sees it again
			}
			return err
		}
		users := svc.book.registeredUsers(e.ID)
		if e.Contest != nil {
			users = append(users, e.Contest.Judges...)
			for _, en := range svc.book.contestEntries(e.ID) {
				users = append(users, en.FounderID)
			}
		}
		svc.tell(e, domain.NoteEventSoon, users)
	}
	return nil
}

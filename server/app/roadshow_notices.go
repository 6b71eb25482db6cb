package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Reminder timing.
const (
	reminderLead  = 15 * time.Minute
	reminderCheck = time.Minute
)

func roadshowNote(r *domain.Roadshow) map[string]any {
	return map[string]any{"roadshowId": r.ID, "title": r.Title, "startsAt": r.StartsAt}
}

// announce notifies users of a roadshow, in the background: a failed notice
// must not undo the change that caused it.
func (svc *Roadshows) announce(typ string, r *domain.Roadshow, users []string) {
	seen := map[string]bool{}
	var notes []Note
	for _, u := range users {
		if u != "" && !seen[u] && u != r.OwnerID {
			seen[u] = true
			notes = append(notes, Note{UserID: u, Type: typ, Data: roadshowNote(r)})
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
			svc.log.Error("roadshow notifications", "roadshow", r.ID, "type", typ, "err", err)
		}
	}()
}

func (svc *Roadshows) attendees(ctx context.Context, r *domain.Roadshow) ([]string, error) {
	users, err := svc.store.RegisteredUsers(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range r.Slots {
		users = append(users, s.OwnerID)
	}
	return users, nil
}

// RunReminders tells the registered users of each roadshow that starts
// within 15 minutes, once, until ctx ends.
func (svc *Roadshows) RunReminders(ctx context.Context) {
	every(ctx, reminderCheck, svc.log, "roadshow reminders", svc.Remind)
}

// Remind sends the reminders that are due.
func (svc *Roadshows) Remind(ctx context.Context) error {
	now := svc.now()
	for page := 1; ; page++ {
		items, total, err := svc.store.ListRoadshows(ctx, "", domain.RoadshowScheduled, domain.Page{Page: page, PageSize: domain.MaxPageSize})
		if err != nil {
			return err
		}
		for i := range items {
			r := &items[i]
			if r.Reminded || r.StartsAt.After(now.Add(reminderLead)) || r.StartsAt.Before(now.Add(-time.Hour)) {
				continue
			}
			r.Reminded = true
			if err := svc.store.UpdateRoadshow(ctx, r, r.Version); err != nil {
				continue // changed meanwhile: the next check sees it again
			}
			users, err := svc.attendees(ctx, r)
			if err != nil {
				return err
			}
			svc.announce(domain.NoteRoadshowSoon, r, users)
		}
		if page*domain.MaxPageSize >= total {
			return nil
		}
	}
}

// every runs f each period until ctx ends, logging (as what) the errors it
// returns: the loop of the services' periodic work, which nobody waits
// for, so its writes give way to users' (domain.Background).
func every(ctx context.Context, period time.Duration, log *slog.Logger, what string, f func(context.Context) error) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := f(domain.Background(ctx)); err != nil {
				log.Warn(what, "err", err)
			}
		}
	}
}

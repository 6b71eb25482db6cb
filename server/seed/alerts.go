package seed

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Alerter says which match alerts a startup's publication sends: the
// Matcher's fit rule (app.Matcher.MatchAlerts).
type Alerter interface {
	MatchAlerts(s *domain.Startup) []app.Note
}

// NoteStore stores users' notifications in bulk, skipping users who have
// some already (mongo.DB.InsertNotificationLogs), and the keys that keep a
// notification from being told twice (mongo.DB.SetNoteKey); it reads a
// user's log back (mongo.DB.ListNotifications) to key the notes a load cut
// short stored.
type NoteStore interface {
	InsertNotificationLogs(ctx context.Context, ns []*domain.Notification) error
	SetNoteKey(ctx context.Context, key, id string) error
	ListNotifications(ctx context.Context, userID string, unreadOnly bool, p domain.Page) ([]domain.Notification, int, int, error)
}

// alertDays is how far back the demo's startups were published.
const alertDays = 60

// matchAlerts stores the match alerts the publication of the demo's
// published startups sent: each was published at a time of the past
// alertDays, and each fitting investor was told (the Matcher decides who
// fits), all in one bulk write of the investors' notification logs. The
// older ones are read. A load run again adds nothing: a log stored already
// is kept (and this step runs before any other demo step notifies anyone).
func (s *seeder) matchAlerts(ctx context.Context) error {
	if s.Alerts == nil || s.Notes == nil {
		return nil
	}
	rnd := rand.New(rand.NewPCG(2026, 300))
	now := time.Now().UTC()
	start := now.AddDate(0, 0, -alertDays)
	var published []*domain.Startup
	for _, st := range s.plans {
		if st.Status == domain.StatusPublished {
			published = append(published, st)
		}
	}
	var notes []*domain.Notification
	for i, st := range published {
		at := start.Add(time.Duration(i) * (alertDays - 1) * 24 * time.Hour / time.Duration(len(published)))
		at = at.Add(time.Duration(rnd.IntN(8*3600)) * time.Second).Truncate(time.Millisecond)
		for _, nt := range s.Alerts.MatchAlerts(st) {
			notes = append(notes, &domain.Notification{UserID: nt.UserID, Type: nt.Type, Data: nt.Data, CreatedAt: at,
				Read: now.Sub(at) > 5*24*time.Hour && rnd.IntN(10) < 8})
		}
	}
	if len(notes) == 0 {
		return nil
	}
	// Each log oldest first, as the alerts were sent.
	slices.SortStableFunc(notes, func(a, b *domain.Notification) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return s.Notes.InsertNotificationLogs(ctx, notes)
}

package seed

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// roomInterest records what the interest signalled in past rooms left
// behind, as the live room does through app.Matcher.RecordInterest: each
// investor's word "interested" on each startup they signalled (the first
// signal's time), and for its founder one "interest" notification per
// investor and startup (the one rule tells an investor's interest in a
// startup once), stored with its de-duplication key, so that the same
// investor signalling again live is not told twice. Without it the demo's
// records showed investors interested whom the founders' lists of
// interested investors and their notifications did not know.
//
// It runs before the rooms are stored (StorePast stores each roadshow
// last): a load cut short before a roadshow is stored runs it again for
// that room, the feedback is saved again as it was, and a founder's log
// stored already is kept (InsertNotificationLogs, which gives the notes it
// did not store no id, so no key is set again for them), so nothing is
// told twice. A load cut short between the logs and their keys leaves
// those notes without keys: the same investor signalling again live would
// tell the founder a second time. The founders of the demo's past
// roadshows have no notifications before this step; one who had would not
// be told (their log is kept as it is).
func (s *seeder) roomInterest(ctx context.Context, rooms []*PastRoom) error {
	type pair struct{ investor, startup string }
	first := map[pair]domain.RoomEvent{}
	var order []pair
	slots := map[string]domain.Slot{}
	for _, room := range rooms {
		for _, sl := range room.Roadshow.Slots {
			slots[sl.StartupID] = sl
		}
		for _, e := range room.Events {
			if roadshow.Kind(e.Type) != roadshow.KindInterest {
				continue
			}
			id, _ := e.Data["startupId"].(string)
			p := pair{e.UserID, id}
			if _, ok := first[p]; !ok {
				first[p] = e
				order = append(order, p)
			}
		}
	}
	now := time.Now().UTC()
	rnd := rand.New(rand.NewPCG(2026, uint64(len(order))))
	var notes []*domain.Notification
	var keys []string
	for _, p := range order {
		e, sl := first[p], slots[p.startup]
		if sl.OwnerID == "" {
			continue // not on the agenda: the room refuses such a signal
		}
		if err := s.Store.SaveFeedback(ctx, domain.Feedback{InvestorID: p.investor, StartupID: p.startup, Action: domain.FeedbackInterested, At: e.At}); err != nil {
			return err
		}
		notes = append(notes, &domain.Notification{UserID: sl.OwnerID, Type: domain.NoteInterest, CreatedAt: e.At,
			Data: map[string]any{"startupId": p.startup, "startupName": sl.StartupName, "investorUserId": p.investor, "investorName": e.UserName},
			Read: now.Sub(e.At) > 5*24*time.Hour && rnd.IntN(10) < 8})
		keys = append(keys, domain.NoteDedupKey(sl.OwnerID, domain.NoteInterest, p.investor, p.startup))
	}
	if s.Notes == nil || len(notes) == 0 {
		return nil
	}
	if err := s.Notes.InsertNotificationLogs(ctx, notes); err != nil {
		return err
	}
	for i, n := range notes {
		if keys[i] != "" && n.ID != "" {
			if err := s.Notes.SetNoteKey(ctx, keys[i], n.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

package seed

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// pair is an investor's interest in a startup.
type pair struct{ investor, startup string }

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
// stored already is kept (InsertNotificationLogs), so nothing is told
// twice. The keys are set after the logs ("interest notes" is the step
// between): a note InsertNotificationLogs did not store (its founder's log
// was stored by the load cut short) is keyed to the note of the same
// investor and startup in the stored log, so that a cut between the logs
// and their keys leaves no note without its key. The founders of the
// demo's past roadshows have no notifications before this step; one who
// had would not be told (their log is kept as it is).
func (s *seeder) roomInterest(ctx context.Context, rooms []*PastRoom) error {
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
	s.AfterStep("interest notes")
	stored := map[string]map[pair]string{} // a founder's stored interest notes, read once
	for i, n := range notes {
		id := n.ID
		if id == "" {
			if stored[n.UserID] == nil {
				var err error
				if stored[n.UserID], err = s.storedInterest(ctx, n.UserID); err != nil {
					return err
				}
			}
			inv, _ := n.Data["investorUserId"].(string)
			st, _ := n.Data["startupId"].(string)
			if id = stored[n.UserID][pair{inv, st}]; id == "" {
				continue // their log was there before this step: never told
			}
		}
		if err := s.Notes.SetNoteKey(ctx, keys[i], id); err != nil {
			return err
		}
	}
	return nil
}

// storedInterest returns the ids of the interest notes in founder's stored
// log, by investor and startup (the oldest, should one be there twice).
func (s *seeder) storedInterest(ctx context.Context, founder string) (map[pair]string, error) {
	out := map[pair]string{}
	for page := 1; ; page++ {
		p, err := domain.NewPage(page, domain.MaxPageSize)
		if err != nil {
			return nil, err
		}
		ns, total, _, err := s.Notes.ListNotifications(ctx, founder, false, p)
		if err != nil {
			return nil, err
		}
		for _, n := range ns { // newest first
			if n.Type != domain.NoteInterest {
				continue
			}
			inv, _ := n.Data["investorUserId"].(string)
			st, _ := n.Data["startupId"].(string)
			out[pair{inv, st}] = n.ID
		}
		if len(ns) == 0 || page*domain.MaxPageSize >= total {
			return out, nil
		}
	}
}

package realtime

import (
	"context"
	"errors"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// effectTries is how often an after-effect is tried before it is logged
// as failed.
const effectTries = 3

// afterEffect is what a stored event sets off outside the room: an
// investor's interest goes into their deal flow, a question reaches the
// founders on stage. It runs once the event is stored and off the room's
// goroutine (Hub.after), so no viewer waits on it; nil if nothing.
func (r *room) afterEffect(l roadshow.Logged) func(ctx context.Context) error {
	switch e := l.Event.(type) {
	case roadshow.Interest:
		investor := domain.Actor{UserID: l.UserID, Role: domain.RoleInvestor}
		return func(ctx context.Context) error { return r.hub.interest.RecordInterest(ctx, investor, e.StartupID) }
	case roadshow.Question:
		if r.st.Stage == nil {
			return nil
		}
		founders := roadshow.Founders(r.rs, r.st.Stage.StartupID)
		data := map[string]any{"roadshowId": r.id, "title": r.rs.Title, "questionId": l.Seq, "text": e.Text, "askedBy": l.UserName,
			"startupId": r.st.Stage.StartupID}
		// One asker's questions on one pitch reach each founder as one
		// notification while it is unread; an asker over their limit is
		// not notified at all (the questions stay in the room).
		asker, pitch := l.UserID, r.id+"/"+r.st.Stage.StartupID
		return func(ctx context.Context) error {
			for _, f := range founders {
				err := r.hub.notify.NotifyFrom(ctx, asker, pitch, f, domain.NoteQuestion, data)
				if err != nil && !errors.Is(err, domain.ErrSenderLimit) {
					return err
				}
			}
			return nil
		}
	}
	return nil
}

// after runs an after-effect in the background, trying it again a few
// times; Close waits for those in flight.
func (h *Hub) after(effect func(ctx context.Context) error) {
	if effect == nil {
		return
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		wait := 200 * time.Millisecond
		for try := 1; ; try++ {
			ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
			err := effect(ctx)
			cancel()
			if err == nil {
				return
			}
			if try == effectTries || domain.IsKind(err, domain.KindNotFound) || domain.IsKind(err, domain.KindForbidden) {
				h.log.Error("room after-effect", "err", err)
				return
			}
			select {
			case <-time.After(wait):
				wait *= 4
			case <-h.done:
				return
			}
		}
	}()
}

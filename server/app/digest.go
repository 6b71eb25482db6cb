package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// DigestStore finds what waited for the digest.
type DigestStore interface {
	PendingDigest(ctx context.Context) ([]domain.Notification, error)
	MarkDigested(ctx context.Context, ns []domain.Notification) error
}

// DigestSender takes a user's daily summary somewhere else too, such as a
// mail server. The platform keeps every digest as a notification; with no
// sender configured that is all it does.
type DigestSender interface {
	SendDigest(ctx context.Context, userID string, summary map[string]any) error
}

// DigestHour is the local hour at which the daily digest is made.
const DigestHour = 8

// Digests sums up, once a day, the notifications each user chose to get in
// a digest. It is safe for concurrent use.
type Digests struct {
	store  DigestStore
	notify *Notifier
	sender DigestSender // may be nil
	log    *slog.Logger
}

// NewDigests returns a Digests job; sender may be nil.
func NewDigests(store DigestStore, notify *Notifier, sender DigestSender, log *slog.Logger) *Digests {
	return &Digests{store: store, notify: notify, sender: sender, log: log}
}

// Make sums up everything waiting into one digest notification per user
// (pushed live) and returns how many users got one.
func (d *Digests) Make(ctx context.Context) (int, error) {
	pending, err := d.store.PendingDigest(ctx)
	if err != nil {
		return 0, err
	}
	byUser := map[string][]domain.Notification{}
	for _, n := range pending {
		byUser[n.UserID] = append(byUser[n.UserID], n)
	}
	var notes []Note
	summaries := map[string]map[string]any{}
	for uid, ns := range byUser {
		counts := map[string]int{}
		for _, n := range ns {
			counts[n.Type]++
		}
		summary := map[string]any{"counts": counts, "total": len(ns), "since": ns[0].CreatedAt}
		summaries[uid] = summary
		notes = append(notes, Note{UserID: uid, Type: domain.NoteDigest, Data: summary})
	}
	if err := d.notify.NotifyMany(ctx, notes); err != nil {
		return 0, err
	}
	if err := d.store.MarkDigested(ctx, pending); err != nil {
		return 0, err
	}
	if d.sender != nil {
		for uid, s := range summaries {
			if err := d.sender.SendDigest(ctx, uid, s); err != nil {
				d.log.WarnContext(ctx, "send digest", "user", uid, "err", err)
			}
		}
	}
	return len(notes), nil
}

// Run makes the digest every day at DigestHour until ctx ends, as
// background work: its writes give way to users' (domain.Background).
func (d *Digests) Run(ctx context.Context) {
	ctx = domain.Background(ctx)
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	lastDay := ""
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			day := now.Format(time.DateOnly)
			if now.Hour() != DigestHour || day == lastDay {
				continue
			}
			lastDay = day
			n, err := d.Make(ctx)
			if err != nil {
				d.log.Error("daily digest", "err", err)
				continue
			}
			d.log.Info("daily digest made", "users", n)
		}
	}
}

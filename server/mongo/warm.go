package mongo

import "context"

// Warm reads, on the embedded engine, what this process then holds in
// memory and would otherwise read at its first use: the outbox's marks
// (outboxMemo), the figures' daily snapshots (historyMemo), the users'
// notification delivery settings (settingsMemo), which users have
// notification drops waiting (findDrops; without it the first fan-out
// after a start probes every recipient's drops by _id), and when the
// refresh tokens and revocation marks expire (expiryIndex: without it the
// hourly sweep would read both tables each time). Each is
// one scan per start; the server calls Warm before /readyz says ready, so
// that no scan runs once users are served (scanwatch.go). On MongoDB it
// does nothing: those reads go to the collections each time.
func (d *DB) Warm(ctx context.Context) error {
	if !d.embedded {
		return nil
	}
	if _, err := d.outbox.pending(ctx, d, 1); err != nil {
		return err
	}
	if _, err := d.history.from(ctx, d, "\uffff"); err != nil { // loads every day, copies none
		return err
	}
	if err := d.settings.load(ctx, d); err != nil {
		return err
	}
	byUser, err := d.findDrops(ctx)
	if err != nil {
		return err
	}
	d.startDrops.Store(&byUser)
	return d.loadExpiry(ctx)
}

package mongo

import "context"

// Warm reads, on the embedded engine, what this process then holds in
// memory and would otherwise read at its first use: the outbox's marks
// (outboxMemo) and the figures' daily snapshots (historyMemo). Each is one
// scan per start; the server calls Warm before /readyz says ready, so that
// no scan runs once users are served (scanwatch.go). On MongoDB it does
// nothing: those reads go to the collections each time.
func (d *DB) Warm(ctx context.Context) error {
	if !d.embedded {
		return nil
	}
	if _, err := d.outbox.pending(ctx, d, 1); err != nil {
		return err
	}
	_, err := d.history.from(ctx, d, "\uffff") // loads every day, copies none
	return err
}

package domain

import "context"

type backgroundKey struct{}

// Background marks ctx as background work's: work no user is waiting for
// (the change dispatcher, match alerts, sweeps, reminders). The store lets
// such writes give way to the writes users wait for, and does not count
// them as users' writes.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// IsBackground reports whether ctx is background work's (Background).
func IsBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}

package app

import "context"

// SetHasher replaces a's password hasher, so that a test can see, hold up
// or fail the hash of a sign-up.
func (a *Accounts) SetHasher(h interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, encoded, password string) (bool, error)
}) {
	a.hasher = h
}

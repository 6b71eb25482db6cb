package app

// SetHasher replaces a's password hasher, so that a test can see, hold up
// or fail the hash of a sign-up.
func (a *Accounts) SetHasher(h interface {
	Hash(password string) (string, error)
	Verify(encoded, password string) (bool, error)
}) {
	a.hasher = h
}

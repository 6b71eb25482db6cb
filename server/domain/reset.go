package domain

import "time"

// ResetToken is the stored form of a password reset link's token: only
// its hash is kept. A token works once, until ExpiresAt.
type ResetToken struct {
	Hash      string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	Used      bool      `bson:"used"`
	ExpiresAt time.Time `bson:"expiresAt"`
	CreatedAt time.Time `bson:"createdAt"`
	// IssuedBy is the admin who issued a one-time link by hand (no mail
	// sender configured); empty for a link sent by email.
	IssuedBy string `bson:"issuedBy,omitempty"`
}

// Reset token refusals: the web app tells the user to ask for a new link.
var (
	ErrResetInvalid = CodedError(KindInvalid, "reset_link_invalid", "the reset link is unknown or was used already")
	ErrResetExpired = CodedError(KindInvalid, "reset_link_expired", "the reset link has expired")
)

package domain

// Notification de-duplication and per-sender limits: one person's repeated
// acts (60 requests for one deck) reach the other as one notification, and
// no one floods others.

// NoteDedupKey names a notification for de-duplication: same recipient,
// same type, same sender, same subject (a startup, a roadshow). While the
// notification so named is unread, another one like it is not stored.
// Notes with no sender are never merged.
func NoteDedupKey(userID, typ, from, subject string) string {
	if from == "" {
		return ""
	}
	return userID + "\x00" + typ + "\x00" + from + "\x00" + subject
}

// Per-sender limits: the notifications one user may cause others, as a
// burst and a steady rate.
const (
	SenderNoteBurst   = 20
	SenderNotesPerDay = 100
)

// ErrSenderLimit refuses an act that would notify others beyond the
// sender's limit.
var ErrSenderLimit = CodedError(KindRateLimited, "sender_limit",
	"操作过于频繁，请稍后再试 / you have notified others too often; try again later")

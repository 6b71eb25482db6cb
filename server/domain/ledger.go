package domain

import "time"

// RoleOfficer is a district officer: the admin role scoped to the
// districts in User.Districts. Officers record support payments of their
// districts; they are made by an admin, never self-registered, and have no
// other admin power.
const RoleOfficer Role = "officer"

// Payment statuses. A payment is first approved (公示, awarded and waiting
// to be paid), then paid; a revoked entry cancels the one it corrects.
const (
	PaymentApproved = "approved"
	PaymentPaid     = "paid"
	PaymentRevoked  = "revoked"
)

// Recipient kinds of a payment.
const (
	RecipientSpace   = "space"
	RecipientStartup = "startup"
)

// Payment is one entry of the open support ledger (兑现公开): money a
// district paid, or awarded, to a maker space or a startup under a policy.
// Entries are never changed: a correction is a new entry whose Corrects
// names the entry it replaces, so the history stays visible.
type Payment struct {
	ID            string    `json:"id" bson:"_id"`
	RecipientKind string    `json:"recipientKind" bson:"recipientKind"`
	RecipientID   string    `json:"recipientId" bson:"recipientId"`
	RecipientName string    `json:"recipientName" bson:"recipientName"` // as it was named when recorded
	AmountWan     float64   `json:"amountWan" bson:"amountWan"`
	Policy        string    `json:"policy" bson:"policy"`       // the policy's name, e.g. 众创空间建设补助
	DocNumber     string    `json:"docNumber" bson:"docNumber"` // the policy document's number (文号)
	District      string    `json:"district" bson:"district"`
	Date          string    `json:"date" bson:"date"` // YYYY-MM-DD, the day paid or awarded
	Status        string    `json:"status" bson:"status"`
	Note          string    `json:"note" bson:"note"`
	Corrects      string    `json:"corrects,omitempty" bson:"corrects,omitempty"`
	RecordedBy    string    `json:"-" bson:"recordedBy"`
	RecordedAt    time.Time `json:"recordedAt" bson:"recordedAt"`
	// Import is the id of the import that recorded it (empty: one by one).
	Import string `json:"import,omitempty" bson:"import,omitempty"`
}

// PaymentCorrection is the claim of an entry by the one entry that
// corrects it (stored under the corrected entry's id), so that two
// corrections of one entry cannot both be recorded.
type PaymentCorrection struct {
	ID string    `bson:"_id"` // the corrected entry
	By string    `bson:"by"`  // the correcting entry
	At time.Time `bson:"at"`
}

// MayRecordIn reports whether a user may record payments of district:
// admins everywhere, officers in their own districts.
func MayRecordIn(u *User, district string) bool {
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleOfficer:
		for _, d := range u.Districts {
			if d == district {
				return true
			}
		}
	}
	return false
}

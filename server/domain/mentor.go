package domain

import "time"

// RoleMentor is a mentor (创业导师): an entrepreneur, investor or industry
// expert who gives founders office hours. Mentors register themselves and
// are verified by an admin, as investors are.
const RoleMentor Role = "mentor"

// OfficeHour is one slot a mentor offers: when, how long, and where (a
// maker space, or online when SpaceID is empty).
type OfficeHour struct {
	ID       string    `json:"id" bson:"id"`
	StartsAt time.Time `json:"startsAt" bson:"startsAt"`
	Minutes  int       `json:"minutes" bson:"minutes"`
	SpaceID  string    `json:"spaceId" bson:"spaceId"`
}

// Mentor is a mentor's profile: expertise in the taxonomy's sectors and
// stages, the spaces served, and office hours.
type Mentor struct {
	ID           string       `json:"id" bson:"_id"`
	OwnerID      string       `json:"ownerId" bson:"ownerId"`
	Name         string       `json:"name" bson:"name"`
	Title        string       `json:"title" bson:"title"`
	Organization string       `json:"organization" bson:"organization"`
	Bio          string       `json:"bio" bson:"bio"`
	Sectors      []string     `json:"sectors" bson:"sectors"`
	Stages       []string     `json:"stages" bson:"stages"`
	SpaceIDs     []string     `json:"spaceIds" bson:"spaceIds"`
	OfficeHours  []OfficeHour `json:"officeHours" bson:"officeHours"`
	Verified     bool         `json:"verified" bson:"verified"`
	Version      int          `json:"version" bson:"version"`
	CreatedAt    time.Time    `json:"createdAt" bson:"createdAt"`
	UpdatedAt    time.Time    `json:"updatedAt" bson:"updatedAt"`
}

// Booking statuses. A founder requests a slot; the mentor confirms or
// declines (double opt-in, as intros); either side may cancel before it
// starts; after it both leave a record, and it is held when both say so.
const (
	BookingRequested = "requested"
	BookingConfirmed = "confirmed"
	BookingDeclined  = "declined"
	BookingCancelled = "cancelled"
	BookingHeld      = "held"
	BookingMissed    = "missed"
)

// SessionRecord is one side's short record of a session.
type SessionRecord struct {
	Held bool      `json:"held" bson:"held"`
	Note string    `json:"note" bson:"note"`
	At   time.Time `json:"at" bson:"at"`
}

// Booking is a founder's booking of a mentor's office hour.
type Booking struct {
	ID            string         `json:"id" bson:"_id"`
	MentorID      string         `json:"mentorId" bson:"mentorId"`
	MentorOwnerID string         `json:"-" bson:"mentorOwnerId"`
	FounderID     string         `json:"-" bson:"founderId"`
	StartupID     string         `json:"startupId" bson:"startupId"`
	SlotID        string         `json:"slotId" bson:"slotId"`
	StartsAt      time.Time      `json:"startsAt" bson:"startsAt"`
	Minutes       int            `json:"minutes" bson:"minutes"`
	SpaceID       string         `json:"spaceId" bson:"spaceId"` // where it is hosted: the slot's space, else the startup's
	Message       string         `json:"message" bson:"message"`
	Status        string         `json:"status" bson:"status"`
	FounderRecord *SessionRecord `json:"founderRecord,omitempty" bson:"founderRecord,omitempty"`
	MentorRecord  *SessionRecord `json:"mentorRecord,omitempty" bson:"mentorRecord,omitempty"`
	Version       int            `json:"version" bson:"version"`
	CreatedAt     time.Time      `json:"createdAt" bson:"createdAt"`
	UpdatedAt     time.Time      `json:"updatedAt" bson:"updatedAt"`
}

// Active reports whether the booking holds its slot.
func (b *Booking) Active() bool {
	return b.Status == BookingRequested || b.Status == BookingConfirmed || b.Status == BookingHeld
}

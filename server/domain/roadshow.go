package domain

import "time"

// Roadshow statuses.
const (
	RoadshowScheduled = "scheduled"
	RoadshowLive      = "live"
	RoadshowEnded     = "ended"
)

// Roadshow visibilities: who may attend.
const (
	VisibilityPublic     = "public"     // anyone, signed in or not
	VisibilityRegistered = "registered" // users who registered
	VisibilityInvited    = "invited"    // users the host invited
)

// Slot is one pitch in a roadshow's agenda.
type Slot struct {
	StartupID string `json:"startupId" bson:"startupId"`
	Minutes   int    `json:"minutes" bson:"minutes"`
	Presenter string `json:"presenter" bson:"presenter"`
	// StartupName and OwnerID are copied from the startup when the agenda
	// is saved, so rooms need no lookups.
	StartupName string `json:"startupName" bson:"startupName"`
	OwnerID     string `json:"ownerId" bson:"ownerId"`
	Sector      string `json:"sector" bson:"sector"`
	// Consent is the founder's answer to the host's invitation (see
	// PlanAgenda); Position is the slot's place in the host's agenda.
	Consent  string `json:"consent,omitempty" bson:"consent,omitempty"`
	Position int    `json:"position" bson:"position"`
}

// Roadshow is an online pitch event hosted by a maker space (路演).
type Roadshow struct {
	ID          string    `json:"id" bson:"_id"`
	OwnerID     string    `json:"ownerId" bson:"ownerId"`
	SpaceID     string    `json:"spaceId" bson:"spaceId"`
	Title       string    `json:"title" bson:"title"`
	Description string    `json:"description" bson:"description"`
	StartsAt    time.Time `json:"startsAt" bson:"startsAt"`
	StreamURL   string    `json:"streamUrl" bson:"streamUrl"`
	Visibility  string    `json:"visibility" bson:"visibility"`
	Slots       []Slot    `json:"slots" bson:"slots"`                                 // presented: their founders accepted
	Invitations []Slot    `json:"invitations,omitempty" bson:"invitations,omitempty"` // not accepted (yet): the host's business
	Invited     []string  `json:"invited" bson:"invited"`                             // guests the host invited (guests.go)
	// Accepted and Declined are the guests' answers to their invitations;
	// like Invited, the host's business.
	Accepted []string `json:"accepted,omitempty" bson:"accepted,omitempty"`
	Declined []string `json:"declined,omitempty" bson:"declined,omitempty"`
	Status   string   `json:"status" bson:"status"`
	// Registered counts the registrations. It is not stored: the
	// registrations are its one owner, and a stored copy went stale.
	Registered int        `json:"registered" bson:"-"`
	Reminded   bool       `json:"-" bson:"reminded"` // the 15-minute reminder went out
	StartedAt  *time.Time `json:"startedAt,omitempty" bson:"startedAt,omitempty"`
	EndedAt    *time.Time `json:"endedAt,omitempty" bson:"endedAt,omitempty"`
	Version    int        `json:"version" bson:"version"`
	CreatedAt  time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt  time.Time  `json:"updatedAt" bson:"updatedAt"`
}

// Presents reports whether userID founded a startup in the agenda.
func (r *Roadshow) Presents(userID string) bool {
	for _, s := range r.Slots {
		if s.OwnerID == userID {
			return true
		}
	}
	return false
}

// IsInvited reports whether userID is on the invitation list.
func (r *Roadshow) IsInvited(userID string) bool {
	for _, u := range r.Invited {
		if u == userID {
			return true
		}
	}
	return false
}

// RoomEvent is one stored event of a live room, in the room's order.
type RoomEvent struct {
	ID         string         `json:"-" bson:"_id"` // roadshowID:seq
	RoadshowID string         `json:"-" bson:"roadshowId"`
	Seq        int64          `json:"seq" bson:"seq"`
	Type       string         `json:"type" bson:"type"`
	UserID     string         `json:"userId" bson:"userId"`
	UserName   string         `json:"userName" bson:"userName"`
	Data       map[string]any `json:"data" bson:"data"`
	At         time.Time      `json:"ts" bson:"at"`
}

// Attendance is one user's presence in a roadshow room.
type Attendance struct {
	ID         string    `json:"-" bson:"_id"` // roadshowID:userID
	RoadshowID string    `json:"-" bson:"roadshowId"`
	UserID     string    `json:"userId" bson:"userId"`
	Name       string    `json:"name" bson:"name"`
	Role       string    `json:"role" bson:"role"`
	FirstSeen  time.Time `json:"firstSeen" bson:"firstSeen"`
	LastSeen   time.Time `json:"lastSeen" bson:"lastSeen"`
}

// Registration is a user's sign-up for a roadshow.
type Registration struct {
	ID         string    `json:"-" bson:"_id"` // roadshowID:userID
	RoadshowID string    `json:"roadshowId" bson:"roadshowId"`
	UserID     string    `json:"userId" bson:"userId"`
	At         time.Time `json:"at" bson:"at"`
}

// Int reads a number from the event's data, stored as int32, int64 or
// float64 depending on the database and the path it took.
func (e RoomEvent) Int(key string) int64 {
	switch n := e.Data[key].(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}

// Room entry refusals, for EntryRefusal.
var (
	ErrSignInToEnter   = CodedError(KindUnauthorized, "sign_in_required", "sign in and register to enter")
	ErrRegisterToEnter = CodedError(KindForbidden, "registration_required", "register for this roadshow first")
	ErrAcceptToEnter   = CodedError(KindForbidden, "invitation_not_accepted", "accept the invitation to enter")
)

// EntryRefusal says why userID (with role; "" for a signed-out guest) may
// not enter r's live room, or nil if they may. The host, admins and
// presenters always may; public rooms admit everyone, invited ones their
// guests (to others they do not exist), registered ones those who
// registered. An invited guest enters once they accepted the invitation
// (which registers them); until then they are told to accept. registered is
// asked only when it matters: it may read the database. This is the one rule
// for the room's door and for what the roadshow page tells people.
func (r *Roadshow) EntryRefusal(userID string, role Role, registered func() (bool, error)) error {
	if userID != "" && (r.OwnerID == userID || role == RoleAdmin || r.Presents(userID)) {
		return nil
	}
	switch r.Visibility {
	case VisibilityPublic:
		return nil
	case VisibilityInvited:
		switch r.GuestStatus(userID) {
		case GuestAccepted:
			return nil
		case GuestInvited, GuestDeclined:
			return ErrAcceptToEnter
		}
		return ErrNotFound
	}
	if userID == "" {
		return ErrSignInToEnter
	}
	ok, err := registered()
	if err != nil {
		return err
	}
	if !ok {
		return ErrRegisterToEnter
	}
	return nil
}

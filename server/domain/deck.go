package domain

import (
	"slices"
	"strconv"
	"time"
)

// Deck is a startup's pitch deck: a PDF kept in the database, seen only by
// its founder, admins, verified investors and investors the founder granted.
type Deck struct {
	StartupID  string    `json:"startupId" bson:"_id"`
	FileID     string    `json:"-" bson:"fileId"`
	Size       int64     `json:"size" bson:"size"`
	Pages      int       `json:"pages,omitempty" bson:"pages,omitempty"`
	UploadedAt time.Time `json:"uploadedAt" bson:"uploadedAt"`
	Grants     []string  `json:"grants" bson:"grants"` // investor user ids
	// Requests are the investors' asks for access that were not granted:
	// pending until the founder grants one (it then leaves this list for
	// Grants) or declines it.
	Requests []DeckRequest `json:"-" bson:"requests,omitempty"`
}

// Deck request states, and the access an investor has.
const (
	DeckRequestPending  = "pending"
	DeckRequestDeclined = "declined"
	DeckAccessGranted   = "granted"
)

// DeckRequest is one investor's ask to read a deck.
type DeckRequest struct {
	UserID    string     `json:"userId" bson:"userId"`
	Status    string     `json:"status" bson:"status"`
	At        time.Time  `json:"at" bson:"at"`
	DecidedAt *time.Time `json:"decidedAt,omitempty" bson:"decidedAt,omitempty"`
}

// Errors of deck access.
var (
	ErrNoDeck              = CodedError(KindNotFound, "no_deck", "no deck uploaded yet")
	ErrDeckRequestNotFound = CodedError(KindNotFound, "deck_request_not_found", "no pending request from this investor")
	ErrDeckGrantNotFound   = CodedError(KindNotFound, "deck_grant_not_found", "this investor has no grant to revoke")
)

// Granted reports whether the founder granted userID.
func (dk *Deck) Granted(userID string) bool { return slices.Contains(dk.Grants, userID) }

// RequestOf returns userID's request, or nil.
func (dk *Deck) RequestOf(userID string) *DeckRequest {
	for i := range dk.Requests {
		if dk.Requests[i].UserID == userID {
			return &dk.Requests[i]
		}
	}
	return nil
}

// AccessOf is what userID's standing on the deck is: granted, a pending or
// declined request, or "" for none.
func (dk *Deck) AccessOf(userID string) string {
	if dk.Granted(userID) {
		return DeckAccessGranted
	}
	if r := dk.RequestOf(userID); r != nil {
		return r.Status
	}
	return ""
}

// Request records userID's ask (again, after a decline). It reports whether
// the founder should hear of it: not when access is granted already.
func (dk *Deck) Request(userID string, now time.Time) bool {
	if dk.Granted(userID) {
		return false
	}
	if r := dk.RequestOf(userID); r != nil {
		r.Status, r.At, r.DecidedAt = DeckRequestPending, now, nil
		return true
	}
	dk.Requests = append(dk.Requests, DeckRequest{UserID: userID, Status: DeckRequestPending, At: now})
	return true
}

// Grant lets userID read the deck; their request, if any, is answered by it.
// It reports whether anything changed.
func (dk *Deck) Grant(userID string) bool {
	dk.Requests = slices.DeleteFunc(dk.Requests, func(r DeckRequest) bool { return r.UserID == userID })
	if dk.Granted(userID) {
		return false
	}
	dk.Grants = append(dk.Grants, userID)
	return true
}

// Decline answers userID's pending request with no.
func (dk *Deck) Decline(userID string, now time.Time) error {
	r := dk.RequestOf(userID)
	if r == nil || r.Status != DeckRequestPending {
		return ErrDeckRequestNotFound
	}
	r.Status, r.DecidedAt = DeckRequestDeclined, &now
	return nil
}

// Revoke withdraws userID's grant. The investor may ask again later.
func (dk *Deck) Revoke(userID string) error {
	if !dk.Granted(userID) {
		return ErrDeckGrantNotFound
	}
	dk.Grants = slices.DeleteFunc(dk.Grants, func(g string) bool { return g == userID })
	return nil
}

// DeckView is one look at a deck.
type DeckView struct {
	ID        string             `json:"id" bson:"_id"`
	StartupID string             `json:"-" bson:"startupId"`
	ViewerID  string             `json:"viewerId" bson:"viewerId"`
	Name      string             `json:"name" bson:"name"`
	At        time.Time          `json:"at" bson:"at"`
	Pages     map[string]float64 `json:"pages" bson:"pages"` // page number → seconds, if the viewer reported it
	// Key lets the reader's page report the view's reading time without its
	// sign-in: a beacon sent as the tab closes carries no token.
	Key string `json:"-" bson:"key,omitempty"`
	// A view in a roadshow room: one per viewer (signed-out guests share
	// one, ViewerID empty), counting reads and the last page reached.
	RoadshowID string `json:"roadshowId,omitempty" bson:"roadshowId,omitempty"`
	UpToPage   int    `json:"upToPage,omitempty" bson:"upToPage,omitempty"`
	Reads      int    `json:"reads,omitempty" bson:"reads,omitempty"`
}

// Reading-time reports.
const (
	// MaxDeckPages bounds the page numbers a report may name.
	MaxDeckPages = 500
	// readingSlack is how much more reading time than the view's age a
	// report may claim: the reader's clock and the server's differ a little.
	readingSlack = time.Minute
)

// ReportPages folds a reading-time report into the view. A report carries
// the view's running totals per page, so reports may repeat or arrive out
// of order (a beacon on hiding the tab, another as it closes) and the
// larger figure per page wins. A report must name pages of the deck
// (deckPages, when known) and claim no more time in all than has passed
// since the view began.
func (v *DeckView) ReportPages(pages map[string]float64, deckPages int, now time.Time) error {
	var val Validator
	limit := MaxDeckPages
	if deckPages > 0 {
		limit = deckPages
	}
	val.CheckCode(len(pages) <= limit, "pages", "too_many_pages", "more pages than the deck has")
	total := 0.0
	for p, secs := range pages {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > limit || strconv.Itoa(n) != p {
			val.CheckCode(false, "pages", "page_out_of_range", "page numbers are 1 to the deck's page count")
			break
		}
		if !(secs >= 0 && secs <= 24*3600) { // also refuses NaN
			val.CheckCode(false, "pages", "invalid_seconds", "seconds must be 0 to 86400")
			break
		}
		total += secs
	}
	if err := val.Err(); err != nil {
		return err
	}
	if age := now.Sub(v.At) + readingSlack; total > age.Seconds() {
		val.CheckCode(false, "pages", "reading_time_too_long", "more reading time than has passed since the deck was opened")
		return val.Err()
	}
	if v.Pages == nil {
		v.Pages = map[string]float64{}
	}
	for p, secs := range pages {
		v.Pages[p] = max(v.Pages[p], secs)
	}
	return nil
}

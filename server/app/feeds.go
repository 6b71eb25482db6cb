package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// A feed covers the last 30 days and the next year.
const (
	feedPast   = 30 * 24 * time.Hour
	feedFuture = 366 * 24 * time.Hour
)

// FeedAddress is a person's secret calendar address: the path under the
// API, and the whole URL when PUBLIC_URL is set.
type FeedAddress struct {
	Token string `json:"token"`
	Path  string `json:"path"`
	URL   string `json:"url,omitempty"`
}

// FeedPath is where a token's feed is served.
func FeedPath(token string) string { return "/api/v1/calendar/feeds/" + token + ".ics" }

// Feed returns the caller's calendar address, made on first use; with
// renew, a new token replaces the old, whose address stops working.
func (svc *Alliance) Feed(ctx context.Context, actor domain.Actor, renew bool) (*FeedAddress, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	tok := svc.book.feedToken(actor.UserID)
	if tok == "" || renew {
		var raw [24]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return nil, err
		}
		f := domain.CalendarFeed{UserID: actor.UserID, Token: base64.RawURLEncoding.EncodeToString(raw[:]), At: svc.now().UTC()}
		if err := svc.book.db.PutCalendarFeed(ctx, f); err != nil {
			return nil, err
		}
		svc.book.withAlliance(func(a *allianceRecords) { a.putFeed(f) })
		tok = f.Token
	}
	a := &FeedAddress{Token: tok, Path: FeedPath(tok)}
	if svc.publicURL != "" {
		a.URL = svc.publicURL + a.Path
	}
	return a, nil
}

// UserFeed is the iCalendar feed of token's owner: the events and
// roadshows they registered for, host, judge, enter or present at. An
// unknown token is not found.
func (svc *Alliance) UserFeed(ctx context.Context, token string) ([]byte, error) {
	user := svc.book.feedUser(token)
	if token == "" || user == "" {
		return nil, domain.ErrNotFound
	}
	actor := domain.Actor{UserID: user}
	if u, err := svc.users.UserByID(ctx, user); err == nil {
		actor.Role = u.Role
	} else if !domain.IsKind(err, domain.KindNotFound) {
		return nil, err
	}
	now := svc.now().UTC()
	items, err := svc.Calendar(ctx, actor, CalendarQuery{From: now.Add(-feedPast), To: now.Add(feedFuture), mine: true, registered: true, hosted: true})
	if err != nil {
		return nil, err
	}
	return svc.ics("越创汇 · 我的日程 / My calendar", items), nil
}

// SpaceFeed is the iCalendar feed of a space's public calendar.
func (svc *Alliance) SpaceFeed(ctx context.Context, spaceID string) ([]byte, error) {
	sp, ok := svc.book.rm.recipientByID(domain.RecipientSpace, spaceID)
	if !ok {
		return nil, domain.ErrNotFound
	}
	now := svc.now().UTC()
	items, err := svc.Calendar(ctx, domain.Actor{}, CalendarQuery{From: now.Add(-feedPast), To: now.Add(feedFuture), SpaceID: spaceID})
	if err != nil {
		return nil, err
	}
	return svc.ics(sp.Name, items), nil
}

func (svc *Alliance) ics(name string, items []CalendarItem) []byte {
	evs := make([]icsEvent, 0, len(items))
	for _, it := range items {
		loc := it.SpaceName
		if it.Location != "" {
			loc = strings.TrimSpace(loc + " " + it.Location)
		}
		e := icsEvent{UID: it.Source + "-" + it.ID + "@yuechuang", Summary: it.Title, Description: it.Description, Location: loc,
			Category: it.Kind, Start: it.StartsAt, End: it.EndsAt, Stamp: it.UpdatedAt, Cancelled: it.Status == domain.EventCancelled}
		if svc.publicURL != "" {
			e.URL = svc.publicURL + "/" + it.Source + "s/" + it.ID
		}
		evs = append(evs, e)
	}
	return writeICS(name, evs)
}

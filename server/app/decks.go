package app

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/pdf"
)

// DeckStore stores decks, their files and their views.
type DeckStore interface {
	SaveDeckFile(ctx context.Context, name string, data []byte) (string, error)
	DeckFile(ctx context.Context, fileID string) ([]byte, error)
	DeleteDeckFile(ctx context.Context, fileID string) error
	SaveDeck(ctx context.Context, dk *domain.Deck) error
	DeckOf(ctx context.Context, startupID string) (*domain.Deck, error)
	AddDeckView(ctx context.Context, v *domain.DeckView) error
	DeckViewByID(ctx context.Context, id string) (*domain.DeckView, error)
	SaveDeckView(ctx context.Context, v *domain.DeckView) error
	DeckViewsOf(ctx context.Context, startupID string) ([]domain.DeckView, error)
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	UserByID(ctx context.Context, id string) (*domain.User, error)
	// For decks shown in roadshow rooms.
	RoadshowByID(ctx context.Context, id string) (*domain.Roadshow, error)
	IsRegistered(ctx context.Context, roadshowID, userID string) (bool, error)
	LogRoomDeckView(ctx context.Context, v *domain.DeckView) error
}

// MaxDeckBytes bounds a deck upload.
const MaxDeckBytes = 20 << 20

// Decks keeps founders' pitch decks private: only the founder, admins,
// verified investors and investors the founder granted may read one, and
// every read is logged for the founder. It is safe for concurrent use.
type Decks struct {
	store     DeckStore
	investors InvestorReader
	notify    Notify
	pages     deckPages
	now       func() time.Time
}

// NewDecks returns a Decks service; investors finds who is reading (the
// matcher answers from memory).
func NewDecks(store DeckStore, investors InvestorReader, notify Notify) *Decks {
	return &Decks{store: store, investors: investors, notify: notify, now: time.Now}
}

func (svc *Decks) owned(ctx context.Context, actor domain.Actor, startupID string) (*domain.Startup, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := svc.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		return nil, domain.ErrForbidden
	}
	return s, nil
}

// Upload replaces a startup's deck; only its founder or an admin may. The
// file must parse as a PDF that opens without a password, not merely start
// like one, so that every reader can open it.
func (svc *Decks) Upload(ctx context.Context, actor domain.Actor, startupID string, data []byte) (*domain.Deck, error) {
	if _, err := svc.owned(ctx, actor, startupID); err != nil {
		return nil, err
	}
	if len(data) > MaxDeckBytes {
		return nil, domain.CodedError(domain.KindTooLarge, "deck_too_large", "a deck may be at most 20 MB")
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, domain.CodedError(domain.KindInvalid, "not_pdf", "the deck must be a PDF file")
	}
	pages, err := pdf.Check(data)
	if errors.Is(err, pdf.ErrEncrypted) {
		return nil, domain.CodedError(domain.KindInvalid, "pdf_encrypted", "the deck must open without a password")
	}
	if err != nil {
		return nil, domain.CodedError(domain.KindInvalid, "pdf_unparseable", "the file does not parse as a PDF (it may be damaged)")
	}
	fileID, err := svc.store.SaveDeckFile(ctx, startupID+".pdf", data)
	if err != nil {
		return nil, err
	}
	old, err := svc.store.DeckOf(ctx, startupID)
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return nil, err
	}
	dk := &domain.Deck{StartupID: startupID, FileID: fileID, Size: int64(len(data)), Pages: pages, UploadedAt: svc.now().UTC(), Grants: []string{}}
	if old != nil {
		dk.Grants = old.Grants
	}
	if err := svc.store.SaveDeck(ctx, dk); err != nil {
		return nil, err
	}
	if old != nil {
		_ = svc.store.DeleteDeckFile(ctx, old.FileID) // the record points at the new file already
	}
	return dk, nil
}

// mayRead reports whether actor may read the deck of s.
func (svc *Decks) mayRead(ctx context.Context, actor domain.Actor, s *domain.Startup, dk *domain.Deck) (bool, error) {
	if actor.Owns(s.OwnerID) {
		return true, nil
	}
	if actor.Role != domain.RoleInvestor || s.Status != domain.StatusPublished {
		return false, nil
	}
	if contains(dk.Grants, actor.UserID) {
		return true, nil
	}
	return verifiedInvestor(ctx, svc.investors, actor)
}

var errDeckForbidden = domain.CodedError(domain.KindForbidden, "deck_restricted",
	"the deck is for verified investors or those the founder granted; you may request access")

// Read returns the deck's bytes and logs the view (the founder's own reads
// are not logged).
func (svc *Decks) Read(ctx context.Context, actor domain.Actor, startupID string) ([]byte, *domain.DeckView, error) {
	if actor.Anonymous() {
		return nil, nil, domain.ErrUnauthorized
	}
	s, err := svc.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, nil, err
	}
	dk, err := svc.store.DeckOf(ctx, startupID)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, nil, domain.CodedError(domain.KindNotFound, "no_deck", "no deck uploaded yet")
	}
	if err != nil {
		return nil, nil, err
	}
	ok, err := svc.mayRead(ctx, actor, s, dk)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		if s.Status != domain.StatusPublished && !actor.Owns(s.OwnerID) {
			return nil, nil, domain.ErrNotFound
		}
		return nil, nil, errDeckForbidden
	}
	data, err := svc.store.DeckFile(ctx, dk.FileID)
	if err != nil {
		return nil, nil, err
	}
	if actor.Owns(s.OwnerID) {
		return data, nil, nil
	}
	u, err := svc.store.UserByID(ctx, actor.UserID)
	if err != nil {
		return nil, nil, err
	}
	v := &domain.DeckView{StartupID: startupID, ViewerID: actor.UserID, Name: u.Name, At: svc.now().UTC(), Pages: map[string]float64{}}
	if err := svc.store.AddDeckView(ctx, v); err != nil {
		return nil, nil, err
	}
	return data, v, nil
}

// ReportPages records how long the viewer spent on each page of a view.
func (svc *Decks) ReportPages(ctx context.Context, actor domain.Actor, startupID, viewID string, pages map[string]float64) error {
	if actor.Anonymous() {
		return domain.ErrUnauthorized
	}
	v, err := svc.store.DeckViewByID(ctx, viewID)
	if err != nil {
		return err
	}
	if v.ViewerID != actor.UserID || v.StartupID != startupID {
		return domain.ErrNotFound
	}
	var val domain.Validator
	val.CheckCode(len(pages) <= 500, "pages", "too_many", "at most 500 pages")
	for p, secs := range pages {
		n, err := strconv.Atoi(p)
		val.CheckCode(err == nil && n >= 1 && n <= 500, "pages", "out_of_range", "page numbers are 1..500")
		val.CheckCode(secs >= 0 && secs <= 24*3600, "pages", "out_of_range", "invalid seconds")
	}
	if err := val.Err(); err != nil {
		return err
	}
	for p, secs := range pages {
		v.Pages[p] += secs
	}
	return svc.store.SaveDeckView(ctx, v)
}

// Views returns who looked at the deck, when and for how long per page;
// only the founder or an admin may see them.
func (svc *Decks) Views(ctx context.Context, actor domain.Actor, startupID string) ([]domain.DeckView, error) {
	if _, err := svc.owned(ctx, actor, startupID); err != nil {
		return nil, err
	}
	return svc.store.DeckViewsOf(ctx, startupID)
}

// Request asks the founder for access to the deck.
func (svc *Decks) Request(ctx context.Context, actor domain.Actor, startupID string) error {
	if actor.Anonymous() {
		return domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return domain.CodedError(domain.KindForbidden, "role_required", "only investors request decks")
	}
	s, err := svc.store.StartupByID(ctx, startupID)
	if err != nil {
		return err
	}
	if s.Status != domain.StatusPublished {
		return domain.ErrNotFound
	}
	inv, err := svc.investors.InvestorByOwner(ctx, actor.UserID)
	if err != nil {
		return err
	}
	// One investor's repeated requests reach the founder once while unread.
	return svc.notify.NotifyMany(ctx, []Note{{UserID: s.OwnerID, Type: domain.NoteDeckRequested, From: actor.UserID, Subject: s.ID,
		Data: map[string]any{"startupId": s.ID, "startupName": s.Name, "investorUserId": actor.UserID, "investorName": inv.Name, "verified": inv.Verified}}})
}

// Grant lets an investor read the deck; only the founder or an admin may.
func (svc *Decks) Grant(ctx context.Context, actor domain.Actor, startupID, investorUserID string) (*domain.Deck, error) {
	s, err := svc.owned(ctx, actor, startupID)
	if err != nil {
		return nil, err
	}
	if !domain.ValidID(investorUserID) {
		return nil, domain.FieldInvalid("investorUserId", "invalid_id", "must be a user id")
	}
	u, err := svc.store.UserByID(ctx, investorUserID)
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.Role != domain.RoleInvestor) {
		return nil, domain.FieldInvalid("investorUserId", "not_investor", "must be an investor")
	}
	if err != nil {
		return nil, err
	}
	dk, err := svc.store.DeckOf(ctx, startupID)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, domain.CodedError(domain.KindNotFound, "no_deck", "no deck uploaded yet")
	}
	if err != nil {
		return nil, err
	}
	if !contains(dk.Grants, investorUserID) {
		dk.Grants = append(dk.Grants, investorUserID)
		if err := svc.store.SaveDeck(ctx, dk); err != nil {
			return nil, err
		}
	}
	// Granting again tells nothing new (domain.NoteRuleOf).
	if err := svc.notify.NotifyMany(ctx, []Note{{UserID: investorUserID, Type: domain.NoteDeckGranted, From: actor.UserID, Subject: s.ID,
		Data: map[string]any{"startupId": s.ID, "startupName": s.Name}}}); err != nil {
		return nil, err
	}
	return dk, nil
}

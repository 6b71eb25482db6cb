package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
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
	// UpdateDeck changes the stored record with change, one change at a
	// time per deck; it writes only if change reports a change.
	UpdateDeck(ctx context.Context, startupID string, change func(*domain.Deck) (bool, error)) (*domain.Deck, error)
	DeckOf(ctx context.Context, startupID string) (*domain.Deck, error)
	AddDeckView(ctx context.Context, v *domain.DeckView) error
	DeckViewByID(ctx context.Context, id string) (*domain.DeckView, error)
	UpdateDeckView(ctx context.Context, id string, change func(*domain.DeckView) error) error
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
	now := svc.now().UTC()
	// A new file keeps the deck's grants and requests.
	oldFile := ""
	dk, err := svc.store.UpdateDeck(ctx, startupID, func(dk *domain.Deck) (bool, error) {
		oldFile = dk.FileID
		dk.FileID, dk.Size, dk.Pages, dk.UploadedAt = fileID, int64(len(data)), pages, now
		return true, nil
	})
	if domain.IsKind(err, domain.KindNotFound) {
		dk = &domain.Deck{StartupID: startupID, FileID: fileID, Size: int64(len(data)), Pages: pages, UploadedAt: now, Grants: []string{}}
		err = svc.store.SaveDeck(ctx, dk)
	}
	if err != nil {
		return nil, err
	}
	if oldFile != "" {
		_ = svc.store.DeleteDeckFile(ctx, oldFile) // the record points at the new file already
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
	if dk.Granted(actor.UserID) {
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
		return nil, nil, domain.ErrNoDeck
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
	v := &domain.DeckView{StartupID: startupID, ViewerID: actor.UserID, Name: u.Name, At: svc.now().UTC(), Pages: map[string]float64{}, Key: randomKey()}
	if err := svc.store.AddDeckView(ctx, v); err != nil {
		return nil, nil, err
	}
	return data, v, nil
}

// randomKey returns 128 random bits in hex.
func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail
	return hex.EncodeToString(b)
}

// ReportPages records how long the reader spent on each page of a view
// (domain.DeckView.ReportPages: running totals, the larger figure wins).
// The reader proves the view theirs by their sign-in or, from a beacon
// sent as the tab closes, by the view's key; anyone else learns nothing,
// not even that the view exists.
func (svc *Decks) ReportPages(ctx context.Context, actor domain.Actor, startupID, viewID, key string, pages map[string]float64) error {
	if actor.Anonymous() && key == "" {
		return domain.ErrUnauthorized
	}
	deckPages := 0
	if dk, err := svc.store.DeckOf(ctx, startupID); err == nil {
		deckPages = dk.Pages
	}
	return svc.store.UpdateDeckView(ctx, viewID, func(v *domain.DeckView) error {
		mine := v.StartupID == startupID && v.RoadshowID == "" &&
			((key != "" && v.Key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(v.Key)) == 1) ||
				(key == "" && v.ViewerID == actor.UserID))
		if !mine {
			return domain.ErrNotFound
		}
		return v.ReportPages(pages, deckPages, svc.now())
	})
}

// Views returns who looked at the deck, when and for how long per page;
// only the founder or an admin may see them.
func (svc *Decks) Views(ctx context.Context, actor domain.Actor, startupID string) ([]domain.DeckView, error) {
	if _, err := svc.owned(ctx, actor, startupID); err != nil {
		return nil, err
	}
	views, err := svc.store.DeckViewsOf(ctx, startupID)
	if err != nil {
		return nil, err
	}
	who := newNames(ctx, peopleOf(svc.store, svc.investors))
	for i := range views {
		views[i].Name = who.of(views[i].ViewerID, views[i].Name)
	}
	return views, nil
}

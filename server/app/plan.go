package app

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// PlanServices are the action plan's services beyond deal flow and
// roadshows (the support ledger; mentors, providers and the alliance's
// events as they come), built over one ServiceBook. NewPlanServices is the
// one wiring of them, which the platform and the tests both call.
type PlanServices struct {
	Book      *ServiceBook
	Ledger    *Ledger
	Mentors   *Mentors
	Providers *Providers
}

// PlanStore is the database the plan's services use: their own records and
// the accounts (officers' districts, the IP assistance contact).
type PlanStore interface {
	ServiceStore
	Users
	UserFinder
}

// PlanConfig is the deployment's settings of the plan's services.
type PlanConfig struct {
	// IPHelpEmail is the account of the city's IP assistance contact
	// (IP_HELP_EMAIL); empty: no IP help.
	IPHelpEmail string
}

// NewPlanServices wires the plan's services over db, beside the read
// model rm; matcher ranks, notify tells people, and stats counts their
// records in the program's figures. Load fills the book.
func NewPlanServices(db PlanStore, rm *ReadModel, matcher *Matcher, notify Notify, tax *domain.Taxonomy, stats *Stats, cfg PlanConfig) *PlanServices {
	book := NewServiceBook(db, rm)
	stats.WithServices(book)
	return &PlanServices{Book: book, Ledger: NewLedger(book, db, tax, newEntryID), Mentors: NewMentors(book, matcher, notify, tax),
		Providers: NewProviders(book, db, cfg.IPHelpEmail, notify, tax)}
}

// Load reads the services' records into memory (once, at start).
func (p *PlanServices) Load(ctx context.Context) error { return p.Book.Load(ctx) }

// newEntryID returns an id in the platform's shape (24 hex digits), its
// first four bytes the time in seconds as an ObjectID's are.
func newEntryID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

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
	Book    *ServiceBook
	Ledger  *Ledger
	Mentors *Mentors
}

// NewPlanServices wires the plan's services over db, beside the read
// model rm; users finds accounts, matcher ranks, notify tells people, and
// stats counts their records in the program's figures. Load fills the
// book.
func NewPlanServices(db ServiceStore, rm *ReadModel, users Users, matcher *Matcher, notify Notify, tax *domain.Taxonomy, stats *Stats) *PlanServices {
	book := NewServiceBook(db, rm)
	stats.WithServices(book)
	return &PlanServices{Book: book, Ledger: NewLedger(book, users, tax, newEntryID), Mentors: NewMentors(book, matcher, notify, tax)}
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

package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Database is the store the read model stands in front of: every store
// interface of the services it serves, so that it can be passed where they
// expect their store. Writes pass through to the database first; reads of
// what the model holds are answered from memory (readmodel_reads.go), all
// others pass through.
type Database interface {
	StartupStore
	InvestorStore
	SpaceStore
	RoadshowStore
	IntroStore
	StatsStore
	SaveFeedback(ctx context.Context, f domain.Feedback) error
	DeleteFeedback(ctx context.Context, investorID, startupID string) error
	AppendRoomEvents(ctx context.Context, events []domain.RoomEvent) error
	RoomEvents(ctx context.Context, roadshowID string) ([]domain.RoomEvent, error)
	SaveAttendance(ctx context.Context, a domain.Attendance) error
	MarkChange(ctx context.Context, e domain.OutboxEntry) error
	// UpdateAnnouncedStartup is UpdateStartup with a match-alert mark for
	// the version it gives, which stands for its marks.
	UpdateAnnouncedStartup(ctx context.Context, s *domain.Startup, prev int) error
	InsertUsers(ctx context.Context, us []*domain.User) error
	InsertStartups(ctx context.Context, ss []*domain.Startup) error
	InsertInvestors(ctx context.Context, invs []*domain.Investor) error
	InsertSpaces(ctx context.Context, sps []*domain.Space) error
	InsertRoomEvents(ctx context.Context, es []domain.RoomEvent) error
	InsertAttendance(ctx context.Context, as []domain.Attendance) error
	RoomRecordStore
}

// ReadModel is the one in-memory copy of what the hot paths read: every
// startup (drafts too), investor and space, every investor's feedback, and
// the records the program's figures count (roadshows, intros, pipeline
// entries, attendance), plus the matching index of the published startups.
// The public lists, a space's residents, the deal flow, investor look-ups
// and the figures are all views of it; no service keeps a copy of its own.
//
// It is loaded in one pass at start (Load) and then kept current by one
// road: every write goes through it to the database, which stores the
// write and, for profiles, its outbox mark; the stored change is then
// applied here (apply) before the write returns, and the Dispatcher applies
// the outbox's marks again from the database (so a change made by another
// process, or lost between the write and the apply, still arrives).
//
// Records in memory are never changed in place: a change replaces the
// pointer, so a reader may hold one without a lock; callers get copies.
// A ReadModel is safe for concurrent use.
type ReadModel struct {
	Database
	tax *domain.Taxonomy
	idx *matching.Index
	log *slog.Logger
	// kick wakes the Dispatcher after a stored change.
	kick chan struct{}
	// AfterWrite, when set, is called right after a change is stored and
	// before it is applied or dispatched; the crash tests set it to kill
	// the process there (see server.Config.CrashAfter).
	AfterWrite func(domain.ChangeKind)

	mu       sync.RWMutex
	startups map[string]*domain.Startup
	// cards holds each published startup's card and its JSON, made when
	// the startup changes: deal-flow pages share the one and copy the
	// other instead of making and encoding a card per answer.
	cards     map[matching.ID]madeCard // by the ids the matching index ranks
	investors map[string]*domain.Investor
	ownerInv  map[string]string // owner user id → investor id
	// The startups, investors and spaces in list order with their facets
	// (readmodel_facets.go), made by the first list after a load; orderMu
	// lets lists that hold only a read lock make them.
	orderMu     sync.Mutex
	startupIdx  facets[domain.Startup, facetKey]
	investorIdx facets[domain.Investor, listKey]
	spaceIdx    facets[domain.Space, listKey]
	spaces      map[string]*domain.Space
	feedback    map[string]map[string]*domain.Feedback // investor user id → startup id → word
	roadshows   map[string]*domain.Roadshow
	intros      map[string]*domain.Intro
	pipeline    map[string]*domain.PipelineItem          // investor:startup
	attendance  map[string]*domain.Attendance            // roadshow:user
	attendees   map[string]map[string]*domain.Attendance // roadshow → user → the same records
	// gone remembers deleted profiles, so that a stale re-read of one by
	// the dispatcher cannot bring it back.
	gone map[string]bool

	// gen counts the changes applied (under mu), so that views computed
	// from memory (the program's figures) are recomputed only after one.
	gen uint64
	// investorGen counts the investor profiles' changes (NamesVersion).
	investorGen uint64
	// views holds those views, each with the gen it was computed at.
	views viewMemo
	// rooms holds ended rooms' records, folded (readmodel_rooms.go).
	rooms *roomCache
	// written holds the profiles written through this model since the
	// dispatcher last looked, so that it applies their marks again even if
	// it applied them once before the write landed.
	writtenMu sync.Mutex
	written   map[string]bool
}

// NewReadModel returns an empty read model over db; Load fills it.
func NewReadModel(db Database, tax *domain.Taxonomy, log *slog.Logger) (*ReadModel, error) {
	fams := map[string]string{}
	for _, s := range tax.Sectors {
		fams[s.Code] = s.Family
	}
	idx, err := matching.NewIndex(matching.DefaultWeights, fams)
	if err != nil {
		return nil, err
	}
	rm := &ReadModel{Database: db, tax: tax, idx: idx, log: log, kick: make(chan struct{}, 1), rooms: newRoomCache(roomCacheBytes)}
	rm.reset()
	return rm, nil
}

func (rm *ReadModel) reset() {
	rm.gen++
	rm.startups = map[string]*domain.Startup{}
	rm.resetFacets()
	rm.cards = map[matching.ID]madeCard{}
	rm.investors = map[string]*domain.Investor{}
	rm.ownerInv = map[string]string{}
	rm.spaces = map[string]*domain.Space{}
	rm.feedback = map[string]map[string]*domain.Feedback{}
	rm.roadshows = map[string]*domain.Roadshow{}
	rm.intros = map[string]*domain.Intro{}
	rm.pipeline = map[string]*domain.PipelineItem{}
	rm.attendance = map[string]*domain.Attendance{}
	rm.attendees = map[string]map[string]*domain.Attendance{}
	rm.gone = map[string]bool{}
}

// Load reads everything the model holds from the database, one scan per
// collection, replacing what it held.
func (rm *ReadModel) Load(ctx context.Context) error {
	start := time.Now()
	db := rm.Database
	rm.mu.Lock()
	defer rm.mu.Unlock()
	for id := range rm.startups {
		rm.idx.Remove(id)
	}
	rm.reset()
	steps := []struct {
		name string
		scan func() error
	}{
		{"startups", func() error {
			return db.EachStartup(ctx, func(s domain.Startup) error { rm.putStartup(&s); return nil })
		}},
		{"investors", func() error {
			return db.EachInvestor(ctx, func(inv domain.Investor) error { rm.putInvestor(&inv); return nil })
		}},
		{"spaces", func() error {
			return db.EachSpace(ctx, func(sp domain.Space) error { rm.putSpace(&sp); return nil })
		}},
		{"feedback", func() error {
			return db.EachFeedback(ctx, func(f domain.Feedback) error { rm.putFeedback(&f); return nil })
		}},
		{"roadshows", func() error {
			return db.EachRoadshow(ctx, func(r domain.Roadshow) error { rm.roadshows[r.ID] = &r; return nil })
		}},
		{"intros", func() error {
			return db.EachIntro(ctx, func(i domain.Intro) error { rm.intros[i.ID] = &i; return nil })
		}},
		{"pipeline", func() error {
			return db.EachPipelineItem(ctx, func(p domain.PipelineItem) error {
				rm.pipeline[domain.FeedbackID(p.InvestorID, p.StartupID)] = &p
				return nil
			})
		}},
		{"attendance", func() error {
			return db.EachAttendance(ctx, func(a domain.Attendance) error { rm.putAttendance(&a); return nil })
		}},
	}
	took := make([]any, 0, len(steps))
	for _, st := range steps {
		began := time.Now()
		if err := st.scan(); err != nil {
			return fmt.Errorf("read model: load %s: %w", st.name, err)
		}
		took = append(took, slog.Duration(st.name, time.Since(began).Round(time.Millisecond)))
	}
	rm.log.InfoContext(ctx, "read model loaded", "startups", len(rm.startups), "published", rm.idx.Len(),
		"investors", len(rm.investors), "spaces", len(rm.spaces), "roadshows", len(rm.roadshows),
		"attendance", len(rm.attendance), "took", time.Since(start).Round(time.Millisecond), slog.Group("steps", took...))
	return nil
}

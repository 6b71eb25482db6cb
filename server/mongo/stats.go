package mongo

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const colTargets = "targets"

type targetsDoc struct {
	ID      string          `bson:"_id"`
	Targets *domain.Targets `bson:"targets"`
}

// TargetsSaved returns the targets an admin saved, or ErrNotFound.
func (d *DB) TargetsSaved(ctx context.Context) (*domain.Targets, error) {
	var doc targetsDoc
	if err := d.db.Collection(colTargets).FindOne(ctx, bson.D{{Key: "_id", Value: "program"}}).Decode(&doc); err != nil {
		return nil, mapErr("targets", err)
	}
	return doc.Targets, nil
}

// SaveTargets stores the program's targets.
func (d *DB) SaveTargets(ctx context.Context, t *domain.Targets) error {
	_, err := d.db.Collection(colTargets).ReplaceOne(ctx, bson.D{{Key: "_id", Value: "program"}}, targetsDoc{ID: "program", Targets: t},
		options.Replace().SetUpsert(true))
	return mapErr("save targets", err)
}

// EachRoadshow calls fn for every roadshow.
func (d *DB) EachRoadshow(ctx context.Context, fn func(domain.Roadshow) error) error {
	return loadAll(ctx, d, colRoadshows, fn)
}

// EachIntro calls fn for every intro.
func (d *DB) EachIntro(ctx context.Context, fn func(domain.Intro) error) error {
	return loadAll(ctx, d, colIntros, fn)
}

// EachPipelineItem calls fn for every pipeline entry.
func (d *DB) EachPipelineItem(ctx context.Context, fn func(domain.PipelineItem) error) error {
	return loadAll(ctx, d, colPipeline, fn)
}

// EachAttendance calls fn for every attendance record.
func (d *DB) EachAttendance(ctx context.Context, fn func(domain.Attendance) error) error {
	return loadAll(ctx, d, colAttendance, fn)
}

const colHistory = "stats_history"

type snapshotDoc struct {
	Date          string                 `bson:"_id"`
	Values        []domain.SnapshotValue `bson:"values"`
	Reconstructed bool                   `bson:"reconstructed"`
}

// SaveSnapshot stores the snapshot of its day, replacing an earlier one.
func (d *DB) SaveSnapshot(ctx context.Context, s *domain.Snapshot) error {
	doc := snapshotDoc{Date: s.Date, Values: s.Values, Reconstructed: s.Reconstructed}
	_, err := d.db.Collection(colHistory).ReplaceOne(ctx, bson.D{{Key: "_id", Value: s.Date}}, doc, options.Replace().SetUpsert(true))
	if d.embedded {
		d.history.saved(*s, err != nil)
	}
	return mapErr("save snapshot", err)
}

// Snapshots returns the snapshots from day from (YYYY-MM-DD) on, oldest
// first. On the embedded engine, where a filter on a range of ids decodes
// the whole collection (three years of days for the figures' page), they
// are read once and then kept in memory with this process's snapshot
// writes (historyMemo); on MongoDB the range is asked for each time.
func (d *DB) Snapshots(ctx context.Context, from string) ([]domain.Snapshot, error) {
	if d.embedded {
		return d.history.from(ctx, d, from)
	}
	return d.scanSnapshots(ctx, from)
}

// historyMemo is the embedded engine's copy of the daily snapshots, this
// process being that database's only writer; a write whose outcome is not
// known makes the next read go to the collection again.
type historyMemo struct {
	mu     sync.Mutex
	loaded bool
	days   map[string]domain.Snapshot
}

func (h *historyMemo) saved(s domain.Snapshot, unknown bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case unknown:
		h.loaded = false
	case h.loaded:
		s.Values = slices.Clone(s.Values)
		h.days[s.Date] = s
	}
}

func (h *historyMemo) from(ctx context.Context, d *DB, from string) ([]domain.Snapshot, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.loaded {
		all, err := d.scanSnapshots(ctx, "")
		if err != nil {
			return nil, err
		}
		h.days = make(map[string]domain.Snapshot, len(all))
		for _, s := range all {
			h.days[s.Date] = s
		}
		h.loaded = true
	}
	out := []domain.Snapshot{}
	for date, s := range h.days {
		if date >= from {
			s.Values = slices.Clone(s.Values)
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b domain.Snapshot) int { return strings.Compare(a.Date, b.Date) })
	return out, nil
}

func (d *DB) scanSnapshots(ctx context.Context, from string) ([]domain.Snapshot, error) {
	cur, err := d.db.Collection(colHistory).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: from}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr("snapshots", err)
	}
	var docs []snapshotDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr("snapshots", err)
	}
	out := make([]domain.Snapshot, len(docs))
	for i, doc := range docs {
		out[i] = domain.Snapshot{Date: doc.Date, Values: doc.Values, Reconstructed: doc.Reconstructed}
	}
	return out, nil
}

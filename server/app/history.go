package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// HistoryStore keeps the program's daily snapshots.
type HistoryStore interface {
	SaveSnapshot(ctx context.Context, s *domain.Snapshot) error
	Snapshots(ctx context.Context, from string) ([]domain.Snapshot, error)
}

// History timing and limits.
const (
	historyEvery    = time.Hour // re-record today's snapshot this often
	backfillMonths  = 12        // month-ends reconstructed on a first start
	maxHistoryDays  = 3 * 366
	snapshotDayForm = "2006-01-02"
)

// History records the program's figures once a day so that the dashboard
// can show trends; the counts themselves come from Stats. It is safe for
// concurrent use.
type History struct {
	stats *Stats
	store HistoryStore
	loc   *time.Location // the city's day boundaries
}

// NewHistory returns a History that dates snapshots in loc.
func NewHistory(stats *Stats, store HistoryStore, loc *time.Location) *History {
	return &History{stats: stats, store: store, loc: loc}
}

// HistoryPoint is one day's figures, by figure key.
type HistoryPoint struct {
	Date          string             `json:"date"`
	Reconstructed bool               `json:"reconstructed"`
	Values        map[string]float64 `json:"values"`
}

// HistorySeries names a figure the points carry.
type HistorySeries struct {
	Key  string `json:"key"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
	Unit string `json:"unit,omitempty"`
	// Target is the figure's target now, drawn as a line on its trend;
	// Pace says whether it is on course to reach it by the plan's year.
	Target float64      `json:"target,omitempty"`
	Pace   *domain.Pace `json:"pace,omitempty"`
}

// Trend is the program's history, oldest first.
type Trend struct {
	Series []HistorySeries `json:"series"`
	Items  []HistoryPoint  `json:"items"`
	// TargetYear is the plan's year the targets are due by.
	TargetYear int `json:"targetYear"`
}

// snapshot counts the figures as of asOf (zero: now) into a snapshot of day.
func (h *History) snapshot(ctx context.Context, day time.Time, asOf time.Time) (*domain.Snapshot, error) {
	tg, err := h.stats.Targets(ctx)
	if err != nil {
		return nil, err
	}
	all, _, err := h.stats.counts(ctx, "", asOf)
	if err != nil {
		return nil, err
	}
	s := &domain.Snapshot{Date: day.In(h.loc).Format(snapshotDayForm), Reconstructed: !asOf.IsZero()}
	for _, f := range all.figures(tg) {
		s.Values = append(s.Values, domain.SnapshotValue{Key: f.Key, Value: f.Value})
	}
	return s, nil
}

// Record stores the figures as they stand now as today's snapshot,
// replacing one recorded earlier today.
func (h *History) Record(ctx context.Context, now time.Time) error {
	s, err := h.snapshot(ctx, now, time.Time{})
	if err != nil {
		return err
	}
	return h.store.SaveSnapshot(ctx, s)
}

// Backfill reconstructs, for a platform that has no history yet, the
// month-ends of the last months from the dates stored with each record
// (when a startup was incubated, a roadshow started, an intro accepted…).
// What changed without a date, such as a space's level or a high-tech
// certificate, is counted as it stands now; those snapshots are marked
// reconstructed. It returns how many snapshots it wrote.
func (h *History) Backfill(ctx context.Context, now time.Time, months int) (int, error) {
	have, err := h.store.Snapshots(ctx, "")
	if err != nil {
		return 0, err
	}
	if len(have) > 0 {
		return 0, nil
	}
	local := now.In(h.loc)
	firstOfMonth := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, h.loc)
	n := 0
	for i := months; i >= 1; i-- {
		end := firstOfMonth.AddDate(0, -i+1, 0).Add(-time.Nanosecond) // the last instant of that month
		s, err := h.snapshot(ctx, end, end)
		if err != nil {
			return n, err
		}
		if err := h.store.SaveSnapshot(ctx, s); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Trend returns the snapshots of the last days days, oldest first.
func (h *History) Trend(ctx context.Context, now time.Time, days int) (*Trend, error) {
	if days < 1 || days > maxHistoryDays {
		return nil, domain.FieldInvalid("days", "out_of_range", "must be 1..1098")
	}
	from := now.In(h.loc).AddDate(0, 0, -days+1).Format(snapshotDayForm)
	// The whole history, for each figure's pace since the first record;
	// the days asked for, for the chart.
	snaps, err := h.store.Snapshots(ctx, "")
	if err != nil {
		return nil, err
	}
	tg, err := h.stats.Targets(ctx)
	if err != nil {
		return nil, err
	}
	all, _, err := h.stats.counts(ctx, "", time.Time{})
	if err != nil {
		return nil, err
	}
	out := &Trend{Items: make([]HistoryPoint, 0, len(snaps)), TargetYear: tg.Year}
	paths := map[string][]domain.PacePoint{}
	for _, s := range snaps {
		at, err := time.ParseInLocation(snapshotDayForm, s.Date, h.loc)
		if err != nil {
			continue
		}
		p := HistoryPoint{Date: s.Date, Reconstructed: s.Reconstructed, Values: make(map[string]float64, len(s.Values))}
		for _, v := range s.Values {
			p.Values[v.Key] = v.Value
			paths[v.Key] = append(paths[v.Key], domain.PacePoint{At: at, Value: v.Value})
		}
		if s.Date >= from {
			out.Items = append(out.Items, p)
		}
	}
	deadline := domain.PlanDeadline(tg.Year, h.loc)
	for _, f := range all.figures(tg) {
		sr := HistorySeries{Key: f.Key, Zh: f.Zh, En: f.En, Unit: f.Unit, Target: f.Target}
		if f.Target > 0 {
			sr.Pace = domain.PaceOf(append(paths[f.Key], domain.PacePoint{At: now, Value: f.Value}), f.Target, deadline, now)
		}
		out.Series = append(out.Series, sr)
	}
	return out, nil
}

// Run keeps today's snapshot current until ctx ends: it reconstructs the
// past months on a first start, records now, then again every hour, so a
// day's snapshot holds that day's last figures.
func (h *History) Run(ctx context.Context, log *slog.Logger) {
	if n, err := h.Backfill(ctx, time.Now(), backfillMonths); err != nil {
		log.Warn("history backfill failed", "err", err)
	} else if n > 0 {
		log.Info("history reconstructed", "months", n)
	}
	t := time.NewTicker(historyEvery)
	defer t.Stop()
	for {
		if err := h.Record(ctx, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("history record failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

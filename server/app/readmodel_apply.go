package app

// Applying a stored change to the read model's memory: the model's own
// writes (readmodel_writes.go) through stored, the changes the dispatcher
// reads back (dispatch.go) through apply; and the form records are held in.

import (
	"time"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Change is one stored change as the read model applies it. The record is
// the stored one (nil when it was deleted).
type Change struct {
	Kind       domain.ChangeKind
	ID         string
	Startup    *domain.Startup
	Investor   *domain.Investor
	Space      *domain.Space
	Feedback   *domain.Feedback // with an empty Action when withdrawn
	Roadshow   *domain.Roadshow
	Intro      *domain.Intro
	Pipeline   *domain.PipelineItem
	Attendance *domain.Attendance
}

// stored is called by every write the model passes to the database, once
// the database has it: it applies the change and wakes the dispatcher.
func (rm *ReadModel) stored(ch Change) {
	if rm.AfterWrite != nil {
		rm.AfterWrite(ch.Kind)
	}
	rm.apply(ch)
	switch ch.Kind {
	case domain.ChangeStartup, domain.ChangeInvestor, domain.ChangeSpace:
		rm.writtenMu.Lock()
		if rm.written == nil {
			rm.written = map[string]bool{}
		}
		rm.written[ch.ID] = true
		rm.writtenMu.Unlock()
		select { // the dispatcher has outbox marks to apply
		case rm.kick <- struct{}{}:
		default:
		}
	}
}

// takeWritten reports whether the profile id was written through the model
// since the last call for it.
func (rm *ReadModel) takeWritten(id string) bool {
	rm.writtenMu.Lock()
	defer rm.writtenMu.Unlock()
	w := rm.written[id]
	delete(rm.written, id)
	return w
}

// apply brings memory in line with one stored change. A profile older than
// the one held (a stale re-read racing a newer write) is ignored.
func (rm *ReadModel) apply(ch Change) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.gen++
	switch ch.Kind {
	case domain.ChangeStartup:
		if ch.Startup == nil {
			rm.removeStartup(ch.ID)
			return
		}
		if cur := rm.startups[ch.ID]; rm.gone[ch.ID] || cur != nil && cur.Version > ch.Startup.Version {
			return
		}
		rm.putStartup(normalStartup(ch.Startup))
	case domain.ChangeInvestor:
		rm.investorGen++
		if ch.Investor == nil {
			if inv := rm.investors[ch.ID]; inv != nil {
				delete(rm.ownerInv, inv.OwnerID)
				delete(rm.investors, ch.ID)
				rm.investorIdx.move(inv, nil)
			}
			return
		}
		if cur := rm.investors[ch.ID]; cur != nil && cur.Version > ch.Investor.Version {
			return
		}
		cp := cloneInvestor(ch.Investor)
		cp.CreatedAt, cp.UpdatedAt = ms(cp.CreatedAt), ms(cp.UpdatedAt)
		rm.putInvestor(cp)
	case domain.ChangeSpace:
		if ch.Space == nil {
			if sp := rm.spaces[ch.ID]; sp != nil {
				delete(rm.spaces, ch.ID)
				rm.spaceIdx.move(sp, nil)
			}
			return
		}
		if cur := rm.spaces[ch.ID]; cur != nil && cur.Version > ch.Space.Version {
			return
		}
		cp := cloneSpace(ch.Space)
		cp.CreatedAt, cp.UpdatedAt = ms(cp.CreatedAt), ms(cp.UpdatedAt)
		rm.putSpace(cp)
	case domain.ChangeFeedback:
		f := *ch.Feedback
		f.At = ms(f.At)
		rm.putFeedback(&f)
	case domain.ChangeRoadshow:
		cur := rm.roadshows[ch.Roadshow.ID]
		if cur != nil && cur.Version > ch.Roadshow.Version {
			return
		}
		rm.roadshows[ch.Roadshow.ID] = normalRoadshow(ch.Roadshow)
		if ch.Roadshow.Status == domain.RoadshowEnded && (cur == nil || cur.Status != domain.RoadshowEnded) {
			rm.foldWhenSettled(ch.Roadshow.ID)
		}
	case domain.ChangeIntro:
		cp := *ch.Intro
		rm.intros[cp.ID] = &cp
	case domain.ChangePipeline:
		cp := *ch.Pipeline
		rm.pipeline[domain.FeedbackID(cp.InvestorID, cp.StartupID)] = &cp
	case domain.ChangeAttendance:
		a := *ch.Attendance
		a.FirstSeen, a.LastSeen = ms(a.FirstSeen), ms(a.LastSeen) // as the store gives them back
		if cur := rm.attendance[a.RoadshowID+":"+a.UserID]; cur != nil && cur.FirstSeen.Before(a.FirstSeen) {
			a.FirstSeen = cur.FirstSeen // the store keeps the first sighting
		}
		rm.putAttendance(&a)
	}
}

// putStartup holds s (owned by the model from now on) and keeps the
// matching index in line. Callers hold mu.
func (rm *ReadModel) putStartup(s *domain.Startup) {
	rm.startupIdx.move(rm.startups[s.ID], s)
	rm.startups[s.ID] = s
	if s.Status != domain.StatusPublished {
		rm.dropCard(s.ID)
		rm.idx.Remove(s.ID)
		return
	}
	card := s.Card()
	if err := rm.idx.Upsert(features(s)); err != nil {
		rm.log.Error("matching index update", "startup", s.ID, "err", err)
		rm.dropCard(s.ID)
		return
	}
	key, _ := matching.ParseID(s.ID) // the index took it
	rm.cards[key] = madeCard{card: card, json: card.AppendJSON(nil), ask: domain.AppendJSONFloat(nil, s.AskWan),
		places: placesOf(rm.tax, s.Sector, s.Stage, s.District), public: publicJSON(s)}
}

// dropCard forgets the card of the startup with id. Callers hold mu.
func (rm *ReadModel) dropCard(id string) {
	if key, err := matching.ParseID(id); err == nil {
		delete(rm.cards, key)
	}
}

func (rm *ReadModel) removeStartup(id string) {
	if old := rm.startups[id]; old != nil {
		rm.startupIdx.move(old, nil)
	}
	delete(rm.startups, id)
	rm.dropCard(id)
	rm.gone[id] = true
	rm.idx.Remove(id)
}

func (rm *ReadModel) putInvestor(inv *domain.Investor) {
	if old := rm.investors[inv.ID]; old != nil && old.OwnerID != inv.OwnerID {
		delete(rm.ownerInv, old.OwnerID)
	}
	rm.investorIdx.move(rm.investors[inv.ID], inv)
	rm.investors[inv.ID] = inv
	rm.ownerInv[inv.OwnerID] = inv.ID
}

func (rm *ReadModel) putFeedback(f *domain.Feedback) {
	byStartup := rm.feedback[f.InvestorID]
	if f.Action == "" {
		delete(byStartup, f.StartupID)
		return
	}
	if byStartup == nil {
		byStartup = map[string]*domain.Feedback{}
		rm.feedback[f.InvestorID] = byStartup
	}
	byStartup[f.StartupID] = f
}

// ms gives a time back as the database does (UTC, milliseconds), so that
// memory reads the same as after a restart.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func msPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ms(*t)
	return &v
}

func normalStartup(s *domain.Startup) *domain.Startup {
	cp := cloneStartup(s)
	cp.CreatedAt, cp.UpdatedAt = ms(cp.CreatedAt), ms(cp.UpdatedAt)
	cp.PublishedAt, cp.IncubatedSince = msPtr(cp.PublishedAt), msPtr(cp.IncubatedSince)
	return cp
}

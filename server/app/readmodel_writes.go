package app

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// The writes below pass to the database and, once it has them, apply the
// stored change to memory (stored). Profile writes carry their outbox
// marks in the database (server/mongo), so the search index hears of them
// even if this process dies right after the write.

// CreateStartup stores a new startup.
func (rm *ReadModel) CreateStartup(ctx context.Context, s *domain.Startup) error {
	if err := rm.Database.CreateStartup(ctx, s); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeStartup, ID: s.ID, Startup: s})
	return nil
}

// UpdateStartup stores s if the stored copy still has version prev. A
// startup that becomes published, or moves to another sector or stage, is
// to be announced to the investors it fits: a match-alert mark goes to the
// outbox before the write, so that neither a crash nor a failed write can
// lose or invent the alert (the dispatcher waits for the version). That
// mark also carries the change to the search index, so such a write needs
// no startup mark of its own.
func (rm *ReadModel) UpdateStartup(ctx context.Context, s *domain.Startup, prev int) error {
	rm.mu.RLock()
	before := rm.startups[s.ID]
	rm.mu.RUnlock()
	alert := alertWorthy(before, s)
	var err error
	if alert {
		err = rm.Database.UpdateAnnouncedStartup(ctx, s, prev)
	} else {
		err = rm.Database.UpdateStartup(ctx, s, prev)
	}
	if err != nil {
		return err
	}
	if alert && rm.AfterWrite != nil {
		rm.AfterWrite(domain.ChangeMatchAlert)
	}
	rm.stored(Change{Kind: domain.ChangeStartup, ID: s.ID, Startup: s})
	return nil
}

// alertWorthy says whether after, replacing before, is news to investors:
// newly published, or published under another sector or stage.
func alertWorthy(before, after *domain.Startup) bool {
	if after.Status != domain.StatusPublished {
		return false
	}
	return before == nil || before.Status != domain.StatusPublished || before.Sector != after.Sector || before.Stage != after.Stage
}

// DeleteStartup deletes the startup with id.
func (rm *ReadModel) DeleteStartup(ctx context.Context, id string) error {
	if err := rm.Database.DeleteStartup(ctx, id); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeStartup, ID: id})
	return nil
}

// CreateInvestor stores a new investor profile.
func (rm *ReadModel) CreateInvestor(ctx context.Context, inv *domain.Investor) error {
	if err := rm.Database.CreateInvestor(ctx, inv); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeInvestor, ID: inv.ID, Investor: inv})
	return nil
}

// UpdateInvestor stores inv if the stored copy still has version prev.
func (rm *ReadModel) UpdateInvestor(ctx context.Context, inv *domain.Investor, prev int) error {
	if err := rm.Database.UpdateInvestor(ctx, inv, prev); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeInvestor, ID: inv.ID, Investor: inv})
	return nil
}

// CreateSpace stores a new maker space.
func (rm *ReadModel) CreateSpace(ctx context.Context, sp *domain.Space) error {
	if err := rm.Database.CreateSpace(ctx, sp); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeSpace, ID: sp.ID, Space: sp})
	return nil
}

// UpdateSpace stores sp if the stored copy still has version prev.
func (rm *ReadModel) UpdateSpace(ctx context.Context, sp *domain.Space, prev int) error {
	if err := rm.Database.UpdateSpace(ctx, sp, prev); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeSpace, ID: sp.ID, Space: sp})
	return nil
}

// SaveFeedback stores an investor's word on a startup.
func (rm *ReadModel) SaveFeedback(ctx context.Context, f domain.Feedback) error {
	if err := rm.Database.SaveFeedback(ctx, f); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeFeedback, Feedback: &f})
	return nil
}

// DeleteFeedback withdraws an investor's word on a startup.
func (rm *ReadModel) DeleteFeedback(ctx context.Context, investorID, startupID string) error {
	if err := rm.Database.DeleteFeedback(ctx, investorID, startupID); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeFeedback, Feedback: &domain.Feedback{InvestorID: investorID, StartupID: startupID}})
	return nil
}

// CreateRoadshow stores a new roadshow.
func (rm *ReadModel) CreateRoadshow(ctx context.Context, r *domain.Roadshow) error {
	if err := rm.Database.CreateRoadshow(ctx, r); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeRoadshow, ID: r.ID, Roadshow: r})
	return nil
}

// UpdateRoadshow stores r if the stored copy still has version prev.
func (rm *ReadModel) UpdateRoadshow(ctx context.Context, r *domain.Roadshow, prev int) error {
	if err := rm.Database.UpdateRoadshow(ctx, r, prev); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeRoadshow, ID: r.ID, Roadshow: r})
	return nil
}

// CreateIntro stores a new intro request.
func (rm *ReadModel) CreateIntro(ctx context.Context, i *domain.Intro) error {
	if err := rm.Database.CreateIntro(ctx, i); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeIntro, ID: i.ID, Intro: i})
	return nil
}

// UpdateIntro stores i if the stored copy still has version prev.
func (rm *ReadModel) UpdateIntro(ctx context.Context, i *domain.Intro, prev int) error {
	if err := rm.Database.UpdateIntro(ctx, i, prev); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeIntro, ID: i.ID, Intro: i})
	return nil
}

// SavePipelineItem stores an investor's pipeline entry.
func (rm *ReadModel) SavePipelineItem(ctx context.Context, it domain.PipelineItem) error {
	if err := rm.Database.SavePipelineItem(ctx, it); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangePipeline, Pipeline: &it})
	return nil
}

// SaveAttendance stores who was seen in a roadshow room.
func (rm *ReadModel) SaveAttendance(ctx context.Context, a domain.Attendance) error {
	if err := rm.Database.SaveAttendance(ctx, a); err != nil {
		return err
	}
	rm.stored(Change{Kind: domain.ChangeAttendance, Attendance: &a})
	return nil
}

// Bulk loads (the demo set) write whole sets at once, with no outbox marks
// and no alerts: the set is the starting state, and the loader rebuilds the
// search index when it is done.

// InsertStartups stores startups in bulk and holds them.
func (rm *ReadModel) InsertStartups(ctx context.Context, ss []*domain.Startup) error {
	if err := rm.Database.InsertStartups(ctx, ss); err != nil {
		return err
	}
	for _, s := range ss {
		rm.apply(Change{Kind: domain.ChangeStartup, ID: s.ID, Startup: s})
	}
	return nil
}

// InsertAttendance stores ended roadshows' attendance in bulk and holds it.
func (rm *ReadModel) InsertAttendance(ctx context.Context, as []domain.Attendance) error {
	if err := rm.Database.InsertAttendance(ctx, as); err != nil {
		return err
	}
	for i := range as {
		rm.apply(Change{Kind: domain.ChangeAttendance, Attendance: &as[i]})
	}
	return nil
}

// InsertInvestors stores investor profiles in bulk and holds them.
func (rm *ReadModel) InsertInvestors(ctx context.Context, invs []*domain.Investor) error {
	if err := rm.Database.InsertInvestors(ctx, invs); err != nil {
		return err
	}
	for _, inv := range invs {
		rm.apply(Change{Kind: domain.ChangeInvestor, ID: inv.ID, Investor: inv})
	}
	return nil
}

// InsertSpaces stores maker spaces in bulk and holds them.
func (rm *ReadModel) InsertSpaces(ctx context.Context, sps []*domain.Space) error {
	if err := rm.Database.InsertSpaces(ctx, sps); err != nil {
		return err
	}
	for _, sp := range sps {
		rm.apply(Change{Kind: domain.ChangeSpace, ID: sp.ID, Space: sp})
	}
	return nil
}

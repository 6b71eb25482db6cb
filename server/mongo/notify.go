package mongo

import (
	"context"
	"slices"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	// colNotifications held version 1's notifications, one document each;
	// migration 3 moves them into per-user logs (notes.go).
	colNotifications = "notifications"
	colNoteSettings  = "notification_settings"
	colIntros        = "intros"
	colPipeline      = "pipeline"
)

// CreateIntro stores i, assigning its id.
func (d *DB) CreateIntro(ctx context.Context, i *domain.Intro) error {
	i.ID, i.Version = NewID(), 1
	for _, u := range []string{i.FounderID, i.InvestorUserID} {
		if err := d.listAdd(ctx, listIntros, u, i.ID); err != nil {
			return err
		}
	}
	_, err := d.db.Collection(colIntros).InsertOne(ctx, i)
	return mapErr("create intro", err)
}

// IntroByID returns the intro with id.
func (d *DB) IntroByID(ctx context.Context, id string) (*domain.Intro, error) {
	var i domain.Intro
	if err := d.db.Collection(colIntros).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&i); err != nil {
		return nil, mapErr("intro by id", err)
	}
	return &i, nil
}

// UpdateIntro stores i if it still has version prev.
func (d *DB) UpdateIntro(ctx context.Context, i *domain.Intro, prev int) error {
	i.Version = prev + 1
	if err := d.replaceVersioned(ctx, colIntros, "update intro", i.ID, prev, i); err != nil {
		i.Version = prev
		return err
	}
	return nil
}

// IntrosOf returns the intros a user is part of, newest first: the user's
// list of intros, then each intro by _id.
func (d *DB) IntrosOf(ctx context.Context, userID string) ([]domain.Intro, error) {
	ids, err := d.list(ctx, listIntros, userID)
	if err != nil {
		return nil, err
	}
	out, err := byIDs[domain.Intro](ctx, d, colIntros, ids)
	slices.SortFunc(out, func(a, b domain.Intro) int { return strings.Compare(b.ID, a.ID) })
	return out, err
}

// SavePipelineItem stores an investor's pipeline entry for a startup.
func (d *DB) SavePipelineItem(ctx context.Context, it domain.PipelineItem) error {
	it.ID = it.InvestorID + ":" + it.StartupID
	if err := d.listAdd(ctx, listPipeline, it.InvestorID, it.StartupID); err != nil {
		return err
	}
	_, err := d.db.Collection(colPipeline).ReplaceOne(ctx, byID(it.ID), it, options.Replace().SetUpsert(true))
	return mapErr("save pipeline item", err)
}

// PipelineOf returns an investor's pipeline, most recently changed first:
// the investor's list of startups, then each entry by _id.
func (d *DB) PipelineOf(ctx context.Context, investorID string) ([]domain.PipelineItem, error) {
	startups, err := d.list(ctx, listPipeline, investorID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(startups))
	for i, s := range startups {
		ids[i] = investorID + ":" + s
	}
	out, err := byIDs[domain.PipelineItem](ctx, d, colPipeline, ids)
	slices.SortStableFunc(out, func(a, b domain.PipelineItem) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return out, err
}

package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const colFeedback = "feedback"

// SaveFeedback stores f, replacing the investor's earlier word on that startup.
func (d *DB) SaveFeedback(ctx context.Context, f domain.Feedback) error {
	f.ID = domain.FeedbackID(f.InvestorID, f.StartupID)
	if err := d.listAdd(ctx, listInterest, f.StartupID, f.InvestorID); err != nil {
		return err
	}
	_, err := d.db.Collection(colFeedback).ReplaceOne(ctx, bson.D{{Key: "_id", Value: f.ID}}, f, options.Replace().SetUpsert(true))
	return mapErr("save feedback", err)
}

// DeleteFeedback removes an investor's word on a startup; a missing one is fine.
func (d *DB) DeleteFeedback(ctx context.Context, investorID, startupID string) error {
	if _, err := d.db.Collection(colFeedback).DeleteOne(ctx, byID(domain.FeedbackID(investorID, startupID))); err != nil {
		return mapErr("delete feedback", err)
	}
	return d.listRemove(ctx, listInterest, startupID, investorID)
}

// EachFeedback calls fn for every stored feedback.
func (d *DB) EachFeedback(ctx context.Context, fn func(domain.Feedback) error) error {
	return loadAll(ctx, d, colFeedback, fn)
}

// EachPublishedStartup calls fn for every published startup.
func (d *DB) EachPublishedStartup(ctx context.Context, fn func(domain.Startup) error) error {
	return each(ctx, d, colStartups, bson.D{{Key: "status", Value: domain.StatusPublished}}, fn)
}

// EachInvestor calls fn for every investor profile.
func (d *DB) EachInvestor(ctx context.Context, fn func(domain.Investor) error) error {
	return loadAll(ctx, d, colInvestors, fn)
}

// StartupsByIDs returns the startups with the given ids, in no particular
// order, in one query.
func (d *DB) StartupsByIDs(ctx context.Context, ids []string) ([]domain.Startup, error) {
	out := []domain.Startup{}
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := d.db.Collection(colStartups).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, mapErr("startups by ids", err)
	}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr("startups by ids decode", err)
	}
	return out, nil
}

// each streams the documents matching filter through fn.
func each[T any](ctx context.Context, d *DB, col string, filter bson.D, fn func(T) error) error {
	cur, err := d.db.Collection(col).Find(ctx, filter, options.Find().SetBatchSize(1000))
	if err != nil {
		return mapErr("scan "+col, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var v T
		if err := cur.Decode(&v); err != nil {
			return mapErr("decode "+col, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return mapErr("scan "+col, cur.Err())
}

// FeedbackOn returns every investor's word on one startup: the startup's
// list of investors with feedback, then each feedback by _id.
func (d *DB) FeedbackOn(ctx context.Context, startupID string) ([]domain.Feedback, error) {
	investors, err := d.list(ctx, listInterest, startupID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(investors))
	for i, inv := range investors {
		ids[i] = domain.FeedbackID(inv, startupID)
	}
	return byIDs[domain.Feedback](ctx, d, colFeedback, ids)
}

package mongo

import (
	"context"

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
	return each(ctx, d, colRoadshows, bson.D{}, fn)
}

// EachIntro calls fn for every intro.
func (d *DB) EachIntro(ctx context.Context, fn func(domain.Intro) error) error {
	return each(ctx, d, colIntros, bson.D{}, fn)
}

// EachPipelineItem calls fn for every pipeline entry.
func (d *DB) EachPipelineItem(ctx context.Context, fn func(domain.PipelineItem) error) error {
	return each(ctx, d, colPipeline, bson.D{}, fn)
}

// EachAttendance calls fn for every attendance record.
func (d *DB) EachAttendance(ctx context.Context, fn func(domain.Attendance) error) error {
	return each(ctx, d, colAttendance, bson.D{}, fn)
}

package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// colVerifications holds one verification request per profile under
// kind:subjectID; the list "verifications"/"all" names every request ever
// made, so the admin's queue is reads by _id.
const (
	colVerifications  = "verifications"
	listVerifications = "verifications"
)

// SaveVerification stores r, replacing the profile's earlier request. The
// list entry goes first (see colLists).
func (d *DB) SaveVerification(ctx context.Context, r *domain.VerificationRequest) error {
	r.ID = domain.VerificationID(r.Kind, r.SubjectID)
	if err := d.listAdd(ctx, listVerifications, "all", r.ID); err != nil {
		return err
	}
	_, err := d.db.Collection(colVerifications).ReplaceOne(ctx, byID(r.ID), r, options.Replace().SetUpsert(true))
	return mapErr("save verification", err)
}

// VerificationOf returns kind's request for subjectID.
func (d *DB) VerificationOf(ctx context.Context, kind, subjectID string) (*domain.VerificationRequest, error) {
	var r domain.VerificationRequest
	err := d.db.Collection(colVerifications).FindOne(ctx, byID(domain.VerificationID(kind, subjectID))).Decode(&r)
	if err != nil {
		return nil, mapErr("verification", err)
	}
	return &r, nil
}

// Verifications returns every request, in the order they were first made.
func (d *DB) Verifications(ctx context.Context) ([]domain.VerificationRequest, error) {
	ids, err := d.list(ctx, listVerifications, "all")
	if err != nil {
		return nil, err
	}
	return byIDs[domain.VerificationRequest](ctx, d, colVerifications, ids)
}

package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// ledger records the demo's support ledger: a space subsidy per district's
// first spaces, first-round awards to some startups, one corrected. An
// entry stored by an earlier, interrupted run (the same document number
// for the same recipient) is not recorded again, and the correction is
// not made twice.
func ledger(ctx context.Context, d ServiceDeps, admin domain.Actor, now time.Time) error {
	// The amounts are drawn for every entry, stored or not, so that a
	// resumed run records the ones still missing with the amounts an
	// uninterrupted run gives them.
	rnd := rand.New(rand.NewPCG(2026, 18))
	var first *app.LedgerEntry
	for i := range min(6, len(d.Spaces)) {
		s := d.Spaces[i]
		e, err := recordOnce(ctx, d.Plan.Ledger, admin, app.PaymentInput{RecipientKind: domain.RecipientSpace, RecipientID: s.ID,
			AmountWan: float64(30 + 10*rnd.IntN(8)), Policy: "众创空间建设补助", DocNumber: fmt.Sprintf("绍市科〔%d〕%d号", now.Year(), 3+i),
			Date: now.AddDate(0, -1-i, 0).Format(time.DateOnly), Status: domain.PaymentPaid})
		if err != nil {
			return err
		}
		if first == nil {
			first = e
		}
	}
	for i := range min(8, len(d.Startups)) {
		s := d.Startups[i]
		status := domain.PaymentPaid
		if i%4 == 3 {
			status = domain.PaymentApproved
		}
		if _, err := recordOnce(ctx, d.Plan.Ledger, admin, app.PaymentInput{RecipientKind: domain.RecipientStartup, RecipientID: s.ID,
			AmountWan: float64(5 + 5*rnd.IntN(6)), Policy: "创业企业首次融资奖励", DocNumber: fmt.Sprintf("绍市科〔%d〕%d号", now.Year(), 20+i),
			Date: now.AddDate(0, 0, -10-7*i).Format(time.DateOnly), Status: status}); err != nil {
			return err
		}
	}
	d.AfterStep("services:payments")
	// The first entry, as listed, says whether a correction replaced it.
	if first != nil && first.CorrectedBy == "" {
		if _, err := d.Plan.Ledger.Correct(ctx, admin, first.ID, app.PaymentInput{RecipientKind: first.RecipientKind, RecipientID: first.RecipientID,
			AmountWan: first.AmountWan + 5, Policy: first.Policy, DocNumber: first.DocNumber, District: first.District, Date: first.Date,
			Status: domain.PaymentPaid, Note: "金额更正：含设备补助 5 万元"}); err != nil {
			return fmt.Errorf("seed ledger correction: %w", err)
		}
	}
	d.AfterStep("services:ledger")
	return nil
}

// recordOnce returns the ledger's entry with in's document number for in's
// recipient, recording it unless it is stored already. The entry found is
// the first of its history (a correction repeats the document number), so
// that its correction can be told from it.
func recordOnce(ctx context.Context, l *app.Ledger, admin domain.Actor, in app.PaymentInput) (*app.LedgerEntry, error) {
	page, err := l.List(ctx, app.LedgerFilter{RecipientKind: in.RecipientKind, RecipientID: in.RecipientID, Query: in.DocNumber, History: true},
		domain.Page{Page: 1, PageSize: domain.MaxPageSize})
	if err != nil {
		return nil, fmt.Errorf("seed ledger: %w", err)
	}
	for i := range page.Items {
		if e := &page.Items[i]; e.DocNumber == in.DocNumber && e.Corrects == "" {
			return e, nil
		}
	}
	e, err := l.Record(ctx, admin, in)
	if err != nil {
		return nil, fmt.Errorf("seed ledger: %w", err)
	}
	return e, nil
}

// serviceAccounts stores the demo's service accounts. An account stored
// already (its email known) keeps its id, so that the profiles found by
// their owner below are its; a new one gets a fixed id, so that a kill
// inside InsertUsers (the email keys stored, not the accounts) is
// completed under the ids the keys name.
func serviceAccounts(ctx context.Context, users ServiceUsers, us []*domain.User) error {
	for i, u := range us {
		stored, err := users.UserByEmail(ctx, u.Email)
		switch {
		case err == nil:
			u.ID = stored.ID
		case domain.IsKind(err, domain.KindNotFound):
			u.ID = fmt.Sprintf("de3c%020x", i+1)
		default:
			return fmt.Errorf("seed services: %w", err)
		}
	}
	return users.InsertUsers(ctx, us)
}

// seedMentor returns the mentor profile of owner, creating it from in
// unless the owner has one.
func seedMentor(ctx context.Context, svc *app.Mentors, owner string, in app.MentorInput) (string, error) {
	actor := domain.Actor{UserID: owner, Role: domain.RoleMentor}
	if v, err := svc.Mine(ctx, actor); err == nil {
		return v.ID, nil
	} else if !domain.IsKind(err, domain.KindNotFound) {
		return "", fmt.Errorf("seed mentor: %w", err)
	}
	v, err := svc.Create(ctx, actor, in)
	if err != nil {
		return "", fmt.Errorf("seed mentor: %w", err)
	}
	return v.ID, nil
}

// verifyMentor verifies mentor id unless it is verified.
func verifyMentor(ctx context.Context, svc *app.Mentors, admin domain.Actor, id string) error {
	v, err := svc.Get(ctx, admin, id)
	if err != nil || v.Verified {
		return err
	}
	_, err = svc.Update(ctx, admin, id, app.MentorInput{Verified: ptr(true)})
	return err
}

// seedProvider returns the provider profile of owner, creating it from in
// unless the owner has one.
func seedProvider(ctx context.Context, svc *app.Providers, owner string, in app.ProviderInput) (string, error) {
	actor := domain.Actor{UserID: owner, Role: domain.RoleProvider}
	if p, err := svc.Mine(ctx, actor); err == nil {
		return p.ID, nil
	} else if !domain.IsKind(err, domain.KindNotFound) {
		return "", fmt.Errorf("seed provider: %w", err)
	}
	p, err := svc.Create(ctx, actor, in)
	if err != nil {
		return "", fmt.Errorf("seed provider: %w", err)
	}
	return p.ID, nil
}

// verifyProvider verifies provider id unless it is verified.
func verifyProvider(ctx context.Context, svc *app.Providers, admin domain.Actor, id string) error {
	p, err := svc.Get(ctx, admin, id)
	if err != nil || p.Verified {
		return err
	}
	_, err = svc.Update(ctx, admin, id, app.ProviderInput{Verified: ptr(true)})
	return err
}

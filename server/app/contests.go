package app

import (
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Contest limits.
const (
	maxCriteria   = 10
	maxWeight     = 100
	maxWinners    = 10
	defaultWinner = 3
	maxJudges     = 30
)

// checkContest checks a contest's score sheet and places into e; the
// criteria are fixed once a judge has scored (scored).
func checkContest(v *domain.Validator, e *domain.Event, in *ContestInput, scored bool) {
	if e.Contest == nil {
		e.Contest = &domain.Contest{Judges: []string{}, Stage: domain.ContestOpen}
	}
	if in == nil {
		v.CheckCode(len(e.Contest.Criteria) > 0, "contest.criteria", "required", "a contest has criteria")
		return
	}
	if in.Winners == 0 {
		in.Winners = defaultWinner
	}
	v.CheckCode(in.Winners >= 1 && in.Winners <= maxWinners, "contest.winners", "out_of_range", "1 to 10 places")
	e.Contest.Winners = in.Winners
	if scored && !sameCriteria(e.Contest.Criteria, in.Criteria) {
		v.CheckCode(false, "contest.criteria", "criteria_fixed", "the criteria are fixed once a judge has scored")
		return
	}
	v.CheckCode(len(in.Criteria) >= 1 && len(in.Criteria) <= maxCriteria, "contest.criteria", "out_of_range", "1 to 10 criteria")
	crit := make([]domain.Criterion, 0, len(in.Criteria))
	for i, c := range in.Criteria {
		f := "contest.criteria[" + itoa(i) + "]"
		c.Name = strings.TrimSpace(c.Name)
		checkText(v, f+".name", c.Name, maxName, true)
		v.CheckCode(c.Weight > 0 && c.Weight <= maxWeight, f+".weight", "out_of_range", "a weight above 0, at most 100")
		if c.ID == "" {
			c.ID = "c" + itoa(i+1)
		}
		v.CheckCode(validKey(c.ID), f+".id", "invalid_code", "letters, digits, - and _")
		for _, o := range crit {
			v.CheckCode(o.ID != c.ID, f+".id", "duplicate", "criteria ids are unique")
		}
		crit = append(crit, c)
	}
	e.Contest.Criteria = crit
}

func sameCriteria(a, b []domain.Criterion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Weight != b[i].Weight || a[i].Name != strings.TrimSpace(b[i].Name) {
			return false
		}
	}
	return true
}

// validKey accepts a short code of letters, digits, - and _.
func validKey(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

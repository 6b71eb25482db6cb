package domain

import (
	"reflect"
	"testing"
)

// TestRankEntries: a sheet's score is its weighted mean, an entry's the
// mean of its sheets; equal scores share a rank and are marked tied; the
// places up to Winners win; a sheet that misses a criterion or declares
// a conflict does not count; unscored entries come last, unranked.
func TestRankEntries(t *testing.T) {
	c := &Contest{Winners: 2, Criteria: []Criterion{{ID: "a", Weight: 3}, {ID: "b", Weight: 1}}}
	sheet := func(startup string, a, b int) ScoreSheet {
		return ScoreSheet{StartupID: startup, Scores: []CriterionScore{{"a", a}, {"b", b}}}
	}
	sheets := []ScoreSheet{
		sheet("s1", 8, 4),  // 7
		sheet("s1", 10, 6), // 9 → s1: 8
		sheet("s2", 8, 8),  // 8
		sheet("s3", 6, 10), // 7
		{StartupID: "s3", Scores: []CriterionScore{{"a", 10}}}, // incomplete: not counted
		{StartupID: "s4", Conflict: true},                      // a conflict: not counted
		sheet("s5", 0, 0),                                      // 0
	}
	names := map[string]string{"s1": "乙", "s2": "甲", "s3": "丙", "s4": "丁", "s5": "戊"}
	got := RankEntries(c, []string{"s1", "s2", "s3", "s4", "s5"}, sheets, names)
	want := []Placing{
		{StartupID: "s1", StartupName: "乙", Rank: 1, Score: 8, Sheets: 2, Tied: true, Winner: true},
		{StartupID: "s2", StartupName: "甲", Rank: 1, Score: 8, Sheets: 1, Tied: true, Winner: true},
		{StartupID: "s3", StartupName: "丙", Rank: 3, Score: 7, Sheets: 1},
		{StartupID: "s5", StartupName: "戊", Rank: 4, Score: 0, Sheets: 1},
		{StartupID: "s4", StartupName: "丁", Rank: 0, Score: 0, Sheets: 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ranking:\n got %+v\nwant %+v", got, want)
	}
	if v, ok := SheetScore(c.Criteria, &sheets[0]); !ok || v != 7 {
		t.Fatalf("sheet score %v %v", v, ok)
	}
}

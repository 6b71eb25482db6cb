package app

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// TestDealFlowJSON holds AppendDealFlowJSON to the struct tags of
// domain.List[DealItem]: the bytes decode to what encoding/json's do.
func TestDealFlowJSON(t *testing.T) {
	pub := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	for _, l := range []*domain.List[DealItem]{
		{Items: nil, Total: 0, Page: 1, PageSize: 20},
		{Items: []DealItem{}, Total: 3, Page: 2, PageSize: 1},
		{Items: []DealItem{
			{Startup: &domain.StartupCard{ID: "a", Name: "芯\"片<", Tags: []string{"x"}, PublishedAt: &pub}, Score: 87.5,
				Reasons: []domain.Reason{{Code: "sector", OK: true, Zh: "集成电路 ✓", En: "IC ✓"}}, Feedback: "save"},
			{Startup: &domain.StartupCard{ID: "b"}, Score: 0, Reasons: nil},
			{Startup: nil, Score: 12.3, Reasons: []domain.Reason{}},
		}, Total: 300, Page: 1, PageSize: 20},
	} {
		got := AppendDealFlowJSON(nil, l)
		want, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("not JSON: %s", got)
		}
		_ = json.Unmarshal(want, &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("hand-written\n %s\nencoding/json\n %s", got, want)
		}
	}
}

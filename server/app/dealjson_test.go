package app

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
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
				Reasons: []domain.Reason{{Code: "sector", OK: true, Sector: "ic"}}, Feedback: "save"},
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

// BenchmarkDealFlowEncode compares the hand-written encoder with the
// reflection encoder the other routes use, on a page of 20 cards in
// Chinese with five reasons each.
//
//	go test -run '^$' -bench DealFlowEncode -benchmem ./server/app/
func BenchmarkDealFlowEncode(b *testing.B) {
	pub := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	l := &domain.List[DealItem]{Total: 300, Page: 1, PageSize: 20}
	for i := range 20 {
		l.Items = append(l.Items, DealItem{Startup: &domain.StartupCard{ID: "665f1c2b9a7e4d0012345678", Name: "越芯微电子科技",
			OneLiner: "面向可穿戴设备的超低功耗蓝牙芯片，已完成流片并进入客户验证", Sector: "ic", Stage: "angel", AskWan: float64(300 + i),
			District: "keqiao", SpaceID: "665f1c2b9a7e4d0012345679", TeamSize: 12, FoundedYear: 2024,
			Traction: "三家头部客户试产，月出货两万片", Tags: []string{"芯片", "蓝牙", "低功耗"}, UpdatedAt: pub, PublishedAt: &pub},
			Score: 87.5, Feedback: "save", Reasons: []domain.Reason{
				{Code: "sector", OK: true, Sector: "ic"},
				{Code: "stage", OK: true, Stage: "angel"},
				{Code: "cheque", OK: true, AskWan: 300, MinWan: 100, MaxWan: 500},
				{Code: "district", OK: true, District: "keqiao"},
				{Code: "complete", OK: true}}})
	}
	// As the deal flow hands them over: cards made by the read model and
	// the fixed phrases made once; the cheque reason is made per answer.
	cached := &domain.List[DealItem]{Total: l.Total, Page: l.Page, PageSize: l.PageSize}
	for _, it := range l.Items {
		it.card = it.Startup.AppendJSON(nil)
		rs := append([]domain.Reason(nil), it.Reasons...)
		for i := range rs {
			if rs[i].Code != "cheque" {
				rs[i] = rs[i].Encoded()
			}
		}
		it.Reasons = rs
		cached.Items = append(cached.Items, it)
	}
	b.Run("encode=append,made-once", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendDealFlowJSON(buf[:0], cached)
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encode=append", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendDealFlowJSON(buf[:0], l)
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encode=go-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := gojson.Marshal(l)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(out)))
		}
	})
}

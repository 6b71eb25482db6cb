package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
)

// TestNotificationRows: the notification list's row counts the lists that
// found something and every failed call (an answer that is not a list
// too); the row below it, a diagnostic,
// counts every call, empty lists too.
func TestNotificationRows(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 5 {
		case 4:
			fmt.Fprint(w, `<html>not a list</html>`)
		case 0:
			http.Error(w, `{"error":{"code":"database_unavailable"}}`, http.StatusServiceUnavailable)
		case 1:
			fmt.Fprint(w, `{"items":[],"total":0,"unread":0}`)
		case 2:
			fmt.Fprint(w, `{"items":[{"id":"a"}],"total":1,"unread":1}`)
		case 3:
			fmt.Fprint(w, `{"items":[{"id":"b"},{"id":"c"},{"id":"d"}],"total":3,"unread":0}`)
		}
	}))
	defer srv.Close()
	signer, err := auth.NewSigner([]byte(jwtSecret), nil)
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{c: &client{base: srv.URL, http: &http.Client{Timeout: time.Minute}, signer: signer},
		rnd: rand.New(rand.NewPCG(1, 2)), people: []person{{"6a0000000000000000000001", "founder"}}}
	tg.notifications(10)
	k := tg.calls[0]
	for i := range k.n {
		if err := k.once(i); err != nil {
			t.Fatal(err)
		}
	}
	k.done()
	list, every := k.rows[0], k.rows[1]
	if list.name != "notification list" || list.diagnostic || !every.diagnostic {
		t.Fatalf("rows %q (diagnostic %v), %q (diagnostic %v)", list.name, list.diagnostic, every.name, every.diagnostic)
	}
	// Ten calls: two each of a refusal, an answer that is not a list (a
	// failure too), an empty list, one item, three.
	if len(every.ds) != 6 || every.failed != 4 {
		t.Errorf("every draw: %d answered, %d failed; want 6 and 4", len(every.ds), every.failed)
	}
	if len(list.ds) != 4 || list.failed != 4 {
		t.Errorf("the list's row: %d answered, %d failed; want 4 (those with items) and 4", len(list.ds), list.failed)
	}
	if !strings.HasPrefix(list.held, "4 of 10 people drawn had items, 2.0 on average") {
		t.Errorf("held %q", list.held)
	}
}

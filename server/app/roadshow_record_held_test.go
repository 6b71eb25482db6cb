package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// TestHeldRoomsEvicted: with room for two ended rooms' folds in memory,
// reads of five rooms in random order evict the least recently read and
// every answer is still the room's own, byte for byte as its first read
// since start answered it (texts that need escaping, a guest, each author
// by name); the held folds stay within the bound; and a rename shows at
// once both in a room still held and in one read again after eviction.
func TestHeldRoomsEvicted(t *testing.T) {
	db, rm := roomsSetup(t)
	ctx := context.Background()
	svc := app.NewRoadshows(rm, nil, nil, nil, slog.New(slog.DiscardHandler))
	var users []*domain.User
	for i := range 3 {
		users = append(users, &domain.User{ID: fmt.Sprintf("5ca1e1%018x", i+1), Email: fmt.Sprintf("h%d@x.cn", i), Name: fmt.Sprint("听众", i), Role: domain.RoleInvestor})
	}
	if err := db.InsertUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	if err := db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	began := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Millisecond)
	ended := began.Add(2 * time.Hour)
	var rooms []string
	for k := range 5 {
		r := &domain.Roadshow{OwnerID: "owner", SpaceID: "space", Title: fmt.Sprint("路演", k), Visibility: domain.VisibilityPublic, Status: domain.RoadshowEnded,
			StartsAt: began, StartedAt: &began, EndedAt: &ended, Invited: []string{}, CreatedAt: began, UpdatedAt: ended,
			Slots: []domain.Slot{{StartupID: "startup", StartupName: "项目", OwnerID: "founder", Minutes: 10}}}
		if err := rm.CreateRoadshow(ctx, r); err != nil {
			t.Fatal(err)
		}
		var es []domain.RoomEvent
		for seq := int64(1); seq <= 60; seq++ {
			e := domain.RoomEvent{RoadshowID: r.ID, Seq: seq, UserID: users[int(seq)%3].ID, UserName: "旧名", At: began.Add(time.Duration(seq) * time.Second)}
			text := fmt.Sprintf("第%d场 第%d句", k, seq)
			switch seq % 5 {
			case 0:
				text = fmt.Sprintf(`<b>"%d"</b>`+"\u2028\xff", k)
			case 1:
				e.UserID, e.UserName = "", fmt.Sprint("访客", k) // a guest
			}
			e.Type, e.Data = "chat", map[string]any{"text": text}
			if seq%4 == 0 {
				e.Type = "question"
			}
			es = append(es, e)
		}
		if err := db.InsertRoomEvents(ctx, es); err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r.ID)
	}
	host := domain.Actor{UserID: "owner", Role: domain.RoleManager}
	answer := func(id string) string {
		b, err := svc.RecordJSON(ctx, host, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := map[string]string{}
	for _, id := range rooms {
		rm.ForgetRooms()
		want[id] = answer(id)
		if !strings.Contains(want[id], "听众0") || !strings.Contains(want[id], `\u003cb\u003e`) {
			t.Fatalf("the first read of %s lacks an author's name or an escaped text: %.300s", id, want[id])
		}
	}
	_, one := rm.HeldRooms()
	bound := one * 5 / 2
	rm.HoldRooms(bound)
	rnd := rand.New(rand.NewPCG(3, 4))
	read := func(id string) {
		if got := answer(id); got != want[id] {
			t.Fatalf("%s answered another record after evictions:\n got %.300s\nwant %.300s", id, got, want[id])
		}
		if n, size := rm.HeldRooms(); n > 2 || size > bound {
			t.Fatalf("%d rooms held, %d bytes, bound %d", n, size, bound)
		}
	}
	for _, id := range rooms { // each once: the first three are evicted
		read(id)
	}
	if n, _ := rm.HeldRooms(); n != 2 {
		t.Fatalf("%d rooms held after reading five, want 2", n)
	}
	for range 40 {
		read(rooms[rnd.IntN(len(rooms))])
	}
	// rooms[4] read last is held; rooms[0] and rooms[1], read before it,
	// cannot both be.
	read(rooms[0])
	read(rooms[4])
	if err := db.SetUserName(ctx, users[1].ID, "新名字"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{rooms[4], rooms[1], rooms[0]} {
		if got := answer(id); !strings.Contains(got, `"userName":"新名字"`) || strings.Contains(got, "听众1") {
			t.Errorf("%s: a rename does not show: %.300s", id, got)
		}
	}
}

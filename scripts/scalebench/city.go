package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/seed"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// citySize is how much the full-size city holds.
type citySize struct {
	Startups, Investors, Spaces int     // profiles, built by the demo set's generator
	PublishShare                float64 // share of the startups published
	Accounts                    int     // all accounts, the profiles' owners included
	Notifications               int     // spread over every account
	Roadshows, EventsPerShow    int     // ended roadshows and their room events
}

var fullCity = citySize{Startups: 6000, Investors: 2000, Spaces: 150, PublishShare: 0.5, Accounts: 50000,
	Notifications: 1_000_000, Roadshows: 300, EventsPerShow: 2000}

// scaled is the city at share of sz's size, with sz's shape: the same
// notifications per account, room events per roadshow, startups per space
// and published share, so that a call's answer holds what it holds in sz.
func (sz citySize) scaled(share float64) citySize {
	f := func(n int) int { return max(1, int(float64(n)*share+0.5)) }
	return citySize{Startups: f(sz.Startups), Investors: f(sz.Investors), Spaces: max(2, f(sz.Spaces)), PublishShare: sz.PublishShare,
		Accounts: f(sz.Accounts), Notifications: f(sz.Notifications), Roadshows: max(2, f(sz.Roadshows)), EventsPerShow: sz.EventsPerShow}
}

func (sz citySize) String() string {
	return fmt.Sprintf("%d startups (%.0f%% published), %d investors, %d spaces, %d accounts, %d notifications, %d ended roadshows × %d room events",
		sz.Startups, sz.PublishShare*100, sz.Investors, sz.Spaces, sz.Accounts, sz.Notifications, sz.Roadshows, sz.EventsPerShow)
}

// makerPassword signs in every generated maker account.
const makerPassword = "scalebench-2026"

func makerEmail(i int) string { return fmt.Sprintf("maker-%05d@scale.yuechuang.cn", i) }

// buildCity loads a full-size city into dataDir through the store, in bulk:
// profiles built and checked by the services (the demo set's generator at
// city size), maker accounts sharing one password hash, notifications
// appended a user's batch at a time, and ended roadshows with their room
// records. It logs each step's time to report.
func buildCity(ctx context.Context, dataDir string, sz citySize, report func(step string, n int, took time.Duration)) error {
	log := slog.New(slog.DiscardHandler)
	fdb, err := ferret.Start(filepath.Join(dataDir, "ferretdb"), log)
	if err != nil {
		return err
	}
	defer fdb.Close()
	db, err := mongo.Open(ctx, fdb.URI(), "yuechuang", true)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if _, err := fdb.IndexIDs(ctx); err != nil {
		return err
	}
	if _, err := db.Migrate(ctx, log); err != nil { // an empty database: it records the current shapes
		return err
	}
	tax, err := taxonomy.Load("")
	if err != nil {
		return err
	}
	rm, err := app.NewReadModel(db, tax, log)
	if err != nil {
		return err
	}
	hasher := auth.NewHasher(auth.DefaultHashParams)

	start := time.Now()
	_, err = seed.Demo(ctx, seed.Deps{Store: rm, Hasher: hasher, Startups: app.NewStartups(rm, rm, rm, tax),
		Investors: app.NewInvestors(rm, tax), Spaces: app.NewSpaces(rm, rm, tax), Taxonomy: tax},
		seed.Sizes{Startups: sz.Startups, Investors: sz.Investors, Spaces: sz.Spaces, PublishShare: sz.PublishShare})
	if err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	if err := db.SetLoadState(ctx, "demo", "done"); err != nil { // a city, not a demo to load on top
		return err
	}
	report("profiles (startups, investors, spaces and their owners)", sz.Startups+sz.Investors+sz.Spaces, time.Since(start))

	// Every account: the profiles' owners, then makers up to the total.
	var users []string
	if err := rm.EachStartup(ctx, func(s domain.Startup) error { users = append(users, s.OwnerID); return nil }); err != nil {
		return err
	}
	_ = rm.EachInvestor(ctx, func(inv domain.Investor) error { users = append(users, inv.OwnerID); return nil })
	var spaces []domain.Space
	_ = rm.EachSpace(ctx, func(sp domain.Space) error {
		spaces = append(spaces, sp)
		users = append(users, sp.OwnerID)
		return nil
	})
	start = time.Now()
	hash, err := hasher.Hash(ctx, makerPassword) // once, for every maker
	if err != nil {
		return err
	}
	makers := sz.Accounts - len(users)
	rnd := rand.New(rand.NewPCG(12, 2026))
	batch := make([]*domain.User, 0, 1000)
	for i := 0; i < makers; i++ {
		role := domain.RoleFounder
		if rnd.IntN(10) == 0 {
			role = domain.RoleInvestor
		}
		u := &domain.User{ID: fmt.Sprintf("5ca1e0%018x", i+1), Email: makerEmail(i), Role: role, Name: fmt.Sprint("创客", i),
			PasswordHash: hash, CreatedAt: time.Now().UTC()}
		users = append(users, u.ID)
		if batch = append(batch, u); len(batch) == cap(batch) || i == makers-1 {
			if err := db.InsertUsers(ctx, batch); err != nil {
				return fmt.Errorf("makers: %w", err)
			}
			batch = batch[:0]
		}
	}
	report("maker accounts (one password hash for all)", makers, time.Since(start))

	start = time.Now()
	if err := notifications(ctx, db, users, sz.Notifications, rnd); err != nil {
		return fmt.Errorf("notifications: %w", err)
	}
	report("notifications", sz.Notifications, time.Since(start))

	start = time.Now()
	if err := roadshows(ctx, db, rm, spaces, makers, sz, rnd); err != nil {
		return fmt.Errorf("roadshows: %w", err)
	}
	report("ended roadshows with their room events", sz.Roadshows*sz.EventsPerShow, time.Since(start))
	return nil
}

var noteTypes = []string{domain.NoteMatch, domain.NoteInterest, domain.NoteRoadshowNew}

// notifications stores n notifications spread evenly over users, as each
// user's log, in bulk (a few thousand users per store call).
func notifications(ctx context.Context, db *mongo.DB, users []string, n int, rnd *rand.Rand) error {
	per := max(1, n/len(users))
	const chunkUsers = 2500
	at := time.Now().Add(-90 * 24 * time.Hour).UTC()
	done := 0
	for start := 0; start < len(users) && done < n; start += chunkUsers {
		var ns []*domain.Notification
		for _, uid := range users[start:min(len(users), start+chunkUsers)] {
			for j := 0; j < per && done < n; j++ {
				typ := noteTypes[rnd.IntN(len(noteTypes))]
				ns = append(ns, &domain.Notification{UserID: uid, Type: typ, Read: j < per/2, CreatedAt: at.Add(time.Duration(j) * time.Hour),
					Data: map[string]any{"startupId": fmt.Sprintf("%024x", rnd.IntN(1<<30)), "startupName": "越芯半导体", "score": 80.5}})
				done++
			}
		}
		if err := db.InsertNotificationLogs(ctx, ns); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// roadshows stores ended roadshows, each in one space with three published
// startups presenting, and the room history each leaves (seed.GenerateRoom,
// the demo set's past roadshows' generator): chat, questions, votes,
// answers, interest and attendance by the city's makers and investors,
// stored as the server leaves a room once it has settled after its end
// (seed.StorePast: the buckets, the folded record, the attendance).
func roadshows(ctx context.Context, db *mongo.DB, rm *app.ReadModel, spaces []domain.Space, makers int, sz citySize, rnd *rand.Rand) error {
	var published []domain.Startup
	_ = rm.EachPublishedStartup(ctx, func(s domain.Startup) error { published = append(published, s); return nil })
	var investors []seed.Person
	_ = rm.EachInvestor(ctx, func(inv domain.Investor) error {
		investors = append(investors, seed.Person{UserID: inv.OwnerID, Name: inv.Name, Investor: true})
		return nil
	})
	for i := 0; i < sz.Roadshows; i++ {
		sp := spaces[i%len(spaces)]
		began := time.Now().Add(-time.Duration(i+1) * 24 * time.Hour).UTC().Truncate(time.Millisecond)
		r := &domain.Roadshow{ID: mongo.NewID(), OwnerID: sp.OwnerID, SpaceID: sp.ID, Title: fmt.Sprintf("%s 第%d期路演", sp.Name, i+1),
			Visibility: domain.VisibilityPublic, StartsAt: began, Invited: []string{}, CreatedAt: began.AddDate(0, 0, -14)}
		var products []string
		for j := 0; j < 3; j++ {
			s := published[rnd.IntN(len(published))]
			presenter := ""
			if len(s.Team) > 0 {
				presenter = s.Team[0].Name
			}
			r.Slots = append(r.Slots, domain.Slot{StartupID: s.ID, StartupName: s.Name, OwnerID: s.OwnerID, Sector: s.Sector, Minutes: 10,
				Presenter: presenter, Consent: domain.ConsentAccepted, Position: j})
			products = append(products, s.Tags[len(s.Tags)-1])
		}
		// About sixty people: makers, and a quarter investors.
		var audience []seed.Person
		for k := 0; k < 45 && makers > 0; k++ {
			m := rnd.IntN(makers)
			audience = append(audience, seed.Person{UserID: fmt.Sprintf("5ca1e0%018x", m+1), Name: fmt.Sprint("创客", m)})
		}
		for k := 0; k < 15 && len(investors) > 0; k++ {
			audience = append(audience, investors[rnd.IntN(len(investors))])
		}
		room, err := seed.GenerateRoom(rand.New(rand.NewPCG(rnd.Uint64(), uint64(i))), seed.PastShow{Roadshow: r,
			Host: seed.Person{UserID: sp.OwnerID, Name: sp.Name}, Audience: audience, Products: products, Events: sz.EventsPerShow})
		if err != nil {
			return err
		}
		if err := seed.StorePast(ctx, db, room); err != nil {
			return err
		}
	}
	return nil
}

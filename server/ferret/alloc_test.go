package ferret

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"modernc.org/libc"
)

// TestAllocatorPinned checks what pinAllocator relies on in
// modernc.org/memory: a block of each pinned class is made on the pinned
// block's page, and after it is freed the next one is too (its page was
// neither unmapped nor replaced). An upgrade that changes the allocator's
// pages or classes fails here; the pin then does nothing and should go.
func TestAllocatorPinned(t *testing.T) {
	pinAllocator()
	tls := libc.NewTLS()
	defer tls.Close()
	const page = 1 << 20
	for i, p := range pinned {
		if p == 0 {
			t.Fatalf("class %d: not pinned", pinLow+i)
		}
		// The smallest and the largest size of the class.
		for _, n := range []int{1<<(pinLow+i-1) + 1, 1 << (pinLow + i)} {
			for range 2 {
				b := libc.Xmalloc(tls, libc.Tsize_t(n))
				if b&^(page-1) != p&^(page-1) {
					t.Errorf("a block of %d bytes at %#x, not on the page of the one pinned at %#x", n, b, p)
				}
				libc.Xfree(tls, b)
			}
		}
	}
}

// TestLargeReadsFaultNoMemory: reading large binary values through
// ReadBinary, once the pinned classes' pages are in use, takes far fewer
// page faults than the values have pages (without the pin each read made
// SQLite write its value, 24 pages here, into a freshly mapped page: 24
// faults a read, against under one with it).
func TestLargeReadsFaultNoMemory(t *testing.T) {
	srv, err := Start(t.TempDir(), nil) // pins
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	ctx := context.Background()
	col := client.Database("db").Collection("records")
	rnd := rand.New(rand.NewPCG(3, 4))
	for i := range 4 {
		b := make([]byte, 70_000+i*1000) // a settled room's record in a city, about
		for j := range b {
			b[j] = byte(rnd.Uint32())
		}
		if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprint(i)}, {Key: "v", Value: bson.Binary{Data: b}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	// Faults are counted on the reading thread only: the process's count
	// also takes in every other thread's (the runtime's, the driver's
	// monitors, the engine's connections), and on a loaded machine those
	// alone went over the bound in a CI run.
	read := func(n int) int64 {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var before, after syscall.Rusage
		_ = syscall.Getrusage(rusageThread, &before)
		for i := range n {
			runtime.GC() // so that Go's heap reuses its memory rather than grows
			if _, ok, err := srv.ReadBinary(ctx, "db", "records", fmt.Sprint(i%4), "v"); err != nil || !ok {
				t.Fatal(ok, err)
			}
		}
		_ = syscall.Getrusage(rusageThread, &after)
		return after.Minflt - before.Minflt
	}
	read(20) // the classes' pages fill their blocks, the connections their caches
	const reads = 200
	if faults := read(reads); faults >= reads {
		t.Errorf("%d reads of 70 KB took %d page faults", reads, faults)
	}
}

// rusageThread is Linux's RUSAGE_THREAD, which package syscall does not name.
const rusageThread = 1

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
)

// TestLargeReadsFaultNoMemory: reading large binary values through
// ReadBinary takes far fewer page faults than the values have pages.
// SQLite takes its memory from modernc.org/libc's allocator
// (modernc.org/memory), which since v1.12 keeps an empty page of a size
// class for the next block of that class. Up to v1.8 it unmapped the page
// with its last block, so each large read wrote its value, 24 pages here,
// into a freshly mapped page: 24 faults a read, and most of a room's
// first read on a virtual machine (docs/bench/record.md). The platform
// pinned a block of each class to keep the pages until the upgrade; an
// allocator that goes back to unmapping fails here.
func TestLargeReadsFaultNoMemory(t *testing.T) {
	srv, err := Start(t.TempDir(), nil)
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

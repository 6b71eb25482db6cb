// Command clusterd runs, in one process, what several platform instances
// share on one machine: a NATS server with JetStream and an embedded
// FerretDB, both on loopback in a temporary directory. It prints
//
//	NATS_URL=nats://127.0.0.1:…
//	MONGODB_URI=mongodb://127.0.0.1:…
//
// and serves until it is stopped. scripts/wsload.sh cluster uses it to load
// three instances behind one room; in production NATS and MongoDB are
// services of their own.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/yuechuang/yuechuang/server/ferret"
)

func main() {
	dir, err := os.MkdirTemp("", "clusterd-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir + "/nats", NoSigs: true, NoLog: true})
	if err != nil {
		fail(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		fail(fmt.Errorf("NATS did not start"))
	}
	db, err := ferret.Start(dir+"/db", slog.New(slog.DiscardHandler))
	if err != nil {
		fail(err)
	}
	fmt.Printf("NATS_URL=%s\nMONGODB_URI=%s\n", ns.ClientURL(), db.URI())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	// The platform indexes FerretDB's id lookups only when it runs the
	// database itself; here the instances create the collections after
	// this starts, so index them as they appear, for a minute.
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			_ = db.Close()
			ns.Shutdown()
			return
		case <-tick.C:
			if i < 30 {
				_, _ = db.IndexIDs(context.Background())
			}
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "clusterd:", err)
	os.Exit(1)
}

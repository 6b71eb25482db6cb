// Command wspeer is the benchmark peer for scripts/wsload: the same room
// fan-out (every chat message to every viewer of one channel) as a
// minimal server on github.com/centrifugal/centrifuge, the library
// Centrifugo is built on, so that wsload can put our figures beside a
// well-known implementation's on the same machine with the same load
// client. Anonymous clients connect over websocket with centrifuge's JSON
// protocol, subscribe to any channel and publish into it. It serves
// /metrics (Go memory and GC counts) as the platform does. Loopback only.
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"net/http"

	"github.com/centrifugal/centrifuge"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address (loopback)")
	flag.Parse()
	if host, _, err := net.SplitHostPort(*addr); err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatal("wspeer: -addr must be a loopback address")
	}
	node, err := centrifuge.New(centrifuge.Config{LogLevel: centrifuge.LogLevelError})
	if err != nil {
		log.Fatal(err)
	}
	node.OnConnecting(func(ctx context.Context, e centrifuge.ConnectEvent) (centrifuge.ConnectReply, error) {
		return centrifuge.ConnectReply{Credentials: &centrifuge.Credentials{UserID: ""}}, nil
	})
	node.OnConnect(func(c *centrifuge.Client) {
		c.OnSubscribe(func(e centrifuge.SubscribeEvent, cb centrifuge.SubscribeCallback) {
			cb(centrifuge.SubscribeReply{}, nil)
		})
		c.OnPublish(func(e centrifuge.PublishEvent, cb centrifuge.PublishCallback) { cb(centrifuge.PublishReply{}, nil) })
	})
	if err := node.Run(); err != nil {
		log.Fatal(err)
	}
	http.Handle("/connection/websocket", centrifuge.NewWebsocketHandler(node, centrifuge.WebsocketConfig{
		CheckOrigin: func(*http.Request) bool { return true }, UseWriteBufferPool: true, ReadBufferSize: 512}))
	http.Handle("/metrics", promhttp.Handler())
	http.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	log.Fatal(http.ListenAndServe(*addr, nil))
}

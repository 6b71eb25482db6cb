// Command walwatch logs, from outside a running server, each change of a
// SQLite WAL index's header: the frames in the WAL (mxFrame), those a
// checkpoint copied back (nBackfill) and those it set out to copy
// (nBackfillAttempted), read from the -shm file every millisecond
// (https://www.sqlite.org/walformat.html; the machine's byte order). A
// rise of nBackfill is a checkpoint, a fall of mxFrame the WAL starting
// again from its beginning. docs/bench/checkpoint.md counts checkpoints
// with it, beside scalebench -vs -trace:
//
//	go run ./scripts/walwatch old=/tmp/x/city-old/ferretdb/yuechuang.sqlite-shm new=... > shm.tsv
//
// Each line: name, Unix µs, mxFrame, nBackfill, nBackfillAttempted. Run it
// as its own process only: a process that opens and closes a -shm file
// drops the POSIX locks its own SQLite connections hold on it.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	type watched struct {
		name, path string
		f          *os.File
		last       [3]uint32
	}
	var ws []*watched
	for _, a := range os.Args[1:] {
		name, path, ok := strings.Cut(a, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "usage: walwatch NAME=PATH-shm ...")
			os.Exit(2)
		}
		ws = append(ws, &watched{name: name, path: path})
	}
	var h [136]byte
	for {
		for _, w := range ws {
			if w.f == nil {
				f, err := os.Open(w.path)
				if err != nil {
					continue // not there yet
				}
				w.f = f
			}
			if n, _ := w.f.ReadAt(h[:], 0); n < len(h) {
				continue
			}
			v := [3]uint32{binary.NativeEndian.Uint32(h[16:]), binary.NativeEndian.Uint32(h[96:]), binary.NativeEndian.Uint32(h[128:])}
			if v != w.last {
				fmt.Printf("%s\t%d\t%d\t%d\t%d\n", w.name, time.Now().UnixMicro(), v[0], v[1], v[2])
				w.last = v
			}
		}
		time.Sleep(time.Millisecond)
	}
}

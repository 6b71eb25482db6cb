package httpapi

import (
	"sync"
	"time"
)

// respCache keeps encoded responses of expensive per-user reads (the deal
// flow) until the data behind them changes. An entry is valid only for the
// version and day it was made with: the matcher bumps its version on every
// change that could alter any ranking, and freshness scores change by day.
// It is safe for concurrent use.
type respCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]cached
}

type cached struct {
	version uint64
	day     int64
	body    []byte
}

func newRespCache(max int) *respCache {
	return &respCache{max: max, entries: make(map[string]cached, max)}
}

func today() int64 { return time.Now().Unix() / 86400 }

func (rc *respCache) get(key string, version uint64) ([]byte, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[key]
	if !ok || e.version != version || e.day != today() {
		return nil, false
	}
	return e.body, true
}

func (rc *respCache) put(key string, version uint64, body []byte) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if _, ok := rc.entries[key]; !ok && len(rc.entries) >= rc.max {
		for k := range rc.entries { // evict an arbitrary entry
			delete(rc.entries, k)
			break
		}
	}
	rc.entries[key] = cached{version: version, day: today(), body: body}
}

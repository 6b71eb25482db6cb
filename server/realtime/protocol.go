package realtime

import (
	"encoding/json"
	"time"
)

// Frame is one server→client message. Seq is the room's event sequence:
// stored events advance it; other frames (welcome, presence, reaction,
// error, ack) carry the latest seq without advancing it.
type Frame struct {
	Type string `json:"type"`
	Seq  int64  `json:"seq"`
	TS   int64  `json:"ts"` // Unix milliseconds
	Data any    `json:"data"`
}

// Inbound is one client→server message. Ref, if given, is echoed in the
// ack or error that answers it.
type Inbound struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
	Ref  string          `json:"ref,omitempty"`
}

func encode(typ string, seq int64, at time.Time, data any) []byte {
	b, err := json.Marshal(Frame{Type: typ, Seq: seq, TS: at.UnixMilli(), Data: data})
	if err != nil {
		// Only the package's own plain structs and maps are encoded.
		panic("realtime: encode " + typ + ": " + err.Error())
	}
	return b
}

// Error codes sent in error frames.
const (
	ErrBadFrame     = "bad_frame"
	ErrUnknownType  = "unknown_type"
	ErrForbidden    = "forbidden"
	ErrMuted        = "muted"
	ErrRateLimited  = "rate_limited"
	ErrTooLong      = "too_long"
	ErrNotFound     = "not_found"
	ErrNotLive      = "not_live"
	ErrUnavailable  = "unavailable"
	ErrInvalidInput = "invalid"
)

type errorData struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Ref    string `json:"ref,omitempty"`
}

// maxFrameBytes is the largest frame a client may send; a larger one
// closes the connection (code 1009). What each message may hold is
// roadshow.Decide's business.
const maxFrameBytes = 4096

package kdfproc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/yuechuang/yuechuang/server/auth"
)

// The pipe's frames: a 4-byte big-endian length, then the body.
//
// Request body: seq u64, time u32, memory KiB u32, threads u8, key length
// u32, password length u32, the password, the salt (the rest).
// Answer body: seq u64, status u8 (statusKey: the key follows; statusRefused:
// a message follows), the rest.
//
// The seq of an answer must be its request's: a child answers one request
// at a time, in order, so a mismatch means the pipe is out of step and the
// child is not trusted again (the parent kills it).
const (
	statusKey     = 0
	statusRefused = 1
	// maxFrame bounds a frame either way. A password is at most a few
	// hundred bytes (auth.MaxPassword runes), a salt 16, a key 32.
	maxFrame = 64 << 10
	// maxKeyLen bounds the key a child makes (auth asks for at most 1,024).
	maxKeyLen = 4096
	reqHeader = 8 + 4 + 4 + 1 + 4 + 4
)

type request struct {
	seq      uint64
	p        auth.HashParams
	keyLen   uint32
	password []byte
	salt     []byte
}

func (r *request) encode() ([]byte, error) {
	n := reqHeader + len(r.password) + len(r.salt)
	if n > maxFrame {
		return nil, fmt.Errorf("kdfproc: a request of %d bytes (at most %d)", n, maxFrame)
	}
	b := make([]byte, 4, 4+n)
	binary.BigEndian.PutUint32(b, uint32(n))
	b = binary.BigEndian.AppendUint64(b, r.seq)
	b = binary.BigEndian.AppendUint32(b, r.p.Time)
	b = binary.BigEndian.AppendUint32(b, r.p.MemoryKiB)
	b = append(b, r.p.Threads)
	b = binary.BigEndian.AppendUint32(b, r.keyLen)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.password)))
	b = append(b, r.password...)
	return append(b, r.salt...), nil
}

// decodeRequest reads the body b; the request's password and salt alias b.
func decodeRequest(b []byte) (*request, error) {
	if len(b) < reqHeader {
		return nil, errors.New("kdfproc: short request")
	}
	be := binary.BigEndian
	r := &request{seq: be.Uint64(b), keyLen: be.Uint32(b[17:])}
	r.p = auth.HashParams{Time: be.Uint32(b[8:]), MemoryKiB: be.Uint32(b[12:]), Threads: b[16]}
	pw := be.Uint32(b[21:])
	if uint64(pw) > uint64(len(b)-reqHeader) {
		return nil, errors.New("kdfproc: password past the request's end")
	}
	r.password = b[reqHeader : reqHeader+int(pw)]
	r.salt = b[reqHeader+int(pw):]
	return r, nil
}

func encodeAnswer(seq uint64, status byte, rest []byte) []byte {
	b := make([]byte, 4, 4+9+len(rest))
	binary.BigEndian.PutUint32(b, uint32(9+len(rest)))
	b = binary.BigEndian.AppendUint64(b, seq)
	b = append(b, status)
	return append(b, rest...)
}

// readFrame reads one frame's body into buf (grown as needed).
func readFrame(r io.Reader, buf []byte) ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err // io.EOF: the other end closed between frames
	}
	n := binary.BigEndian.Uint32(h[:])
	if n > maxFrame {
		return nil, fmt.Errorf("kdfproc: a frame of %d bytes (at most %d)", n, maxFrame)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("kdfproc: a frame cut short: %w", err)
	}
	return buf, nil
}

package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
)

// argon2Row names the argon2 hash measured alone (the sign-ins' floor).
const argon2Row = "argon2id hash alone (a warm hashing child of this tool, as the server hashes; the server's default cost)"

// excessPrefix names the rows of a sign-up's or sign-in's time minus the
// argon2 hash measured in the same round.
const excessPrefix = "minus the same round's hash: "

// signIns adds the rounds of one argon2 hash alone, one sign-up and one
// sign-in: the hash's row, then the sign-ups', the sign-ins' and their
// excess over the hash.
func (t *target) signIns(logins int, hasher *auth.Hasher) {
	// The sign-in target is the argon2 cost plus 10 ms, so the hash alone is
	// measured here at the server's default cost, beside the sign-ups and
	// sign-ins: each round hashes once, signs up once and signs in once, so
	// that the three rows see the same moments of a busy machine. The
	// excess rows are each call minus the hash of its own round: what the
	// server does besides one argon2 hash, plus the difference between two
	// hashes a moment apart. hasher derives it as the server does, in a warm
	// child process (benchrun.ReferenceHasher).
	hash := &sample{name: argon2Row}
	signup, signin := &sample{name: "sign-up", write: true}, &sample{name: "sign-in", write: true}
	upExcess, inExcess := &sample{name: excessPrefix + "sign-up", diagnostic: true}, &sample{name: excessPrefix + "sign-in", diagnostic: true}
	k := t.add(logins, hash, signup, signin, upExcess, inExcess)
	k.writes = true
	k.once = func(i int) error {
		began := time.Now()
		_, err := hasher.Hash(context.Background(), "Kuaiji-Shan-2026!")
		h, code := time.Since(began), 200
		if err != nil {
			code = 0
		}
		hash.add(code, h, 200)
		email := fmt.Sprintf("bench-%d-%d@scale.yuechuang.cn", time.Now().UnixNano()%1e9, i)
		code, body, d := t.c.do("POST", "/api/v1/auth/register", "", map[string]string{"email": email, "password": "Kuaiji-Shan-2026!", "role": "founder", "name": "测试"})
		signup.add(code, d, 201)
		upExcess.add(code, d-h, 201)
		if code != 201 && i == 0 {
			log.Printf("  %s: sign-up refused: %d %s", t.name, code, body)
		}
		code, _, d = t.c.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": "Kuaiji-Shan-2026!"})
		signin.add(code, d, 200)
		inExcess.add(code, d-h, 200)
		return nil
	}
}

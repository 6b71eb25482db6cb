package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/yuechuang/yuechuang/server/auth"
)

func TestPasswordHash(t *testing.T) {
	h := auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1})
	enc, err := h.Hash(t.Context(), "正确的密码 correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$") {
		t.Fatalf("hash %q is not argon2id", enc)
	}
	enc2, _ := h.Hash(t.Context(), "正确的密码 correct horse")
	if enc == enc2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"正确的密码 correct horse", true}, {"wrong", false}, {"", false}} {
		ok, err := h.Verify(t.Context(), enc, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	// A hash made with other costs still verifies with the costs it names.
	strong := auth.NewHasher(auth.DefaultHashParams)
	enc3, _ := strong.Hash(t.Context(), "pw")
	if ok, _ := h.Verify(t.Context(), enc3, "pw"); !ok {
		t.Fatal("hash with different params did not verify")
	}
	if _, err := h.Verify(t.Context(), "plain", "pw"); err == nil {
		t.Fatal("malformed hash verified without error")
	}
}

func TestAccessToken(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	s, err := auth.NewSigner(key, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Sign(auth.Claims{UserID: "u1", Role: "investor"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Verify(tok)
	if err != nil || c.UserID != "u1" || c.Role != "investor" {
		t.Fatalf("Verify = %+v, %v", c, err)
	}

	later, _ := auth.NewSigner(key, func() time.Time { return now.Add(auth.AccessTokenTTL + time.Minute) })
	if _, err := later.Verify(tok); err == nil {
		t.Error("expired token accepted")
	}
	other, _ := auth.NewSigner([]byte(strings.Repeat("x", 32)), func() time.Time { return now })
	if _, err := other.Verify(tok); err == nil {
		t.Error("token signed with another key accepted")
	}

	forge := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := jwt.MapClaims{"iss": auth.Issuer, "aud": auth.Audience, "sub": "u1", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}
	with := func(k string, v any) jwt.MapClaims {
		m := jwt.MapClaims{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	bad := map[string]string{
		"alg none":       forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good),
		"HS512":          forge(jwt.SigningMethodHS512, key, good),
		"wrong issuer":   forge(jwt.SigningMethodHS256, key, with("iss", "evil")),
		"wrong audience": forge(jwt.SigningMethodHS256, key, with("aud", "other")),
		"no expiry":      forge(jwt.SigningMethodHS256, key, with("exp", nil)),
		"no subject":     forge(jwt.SigningMethodHS256, key, with("sub", nil)),
		"garbage":        "a.b.c",
	}
	for name, tok := range bad {
		if _, err := s.Verify(tok); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := s.Verify(forge(jwt.SigningMethodHS256, key, good)); err != nil {
		t.Fatalf("control token rejected: %v", err)
	}
	if _, err := auth.NewSigner([]byte("short"), nil); err == nil {
		t.Error("short key accepted")
	}
}

func TestOpaqueToken(t *testing.T) {
	a, ha, err := auth.NewOpaqueToken()
	if err != nil {
		t.Fatal(err)
	}
	b, hb, _ := auth.NewOpaqueToken()
	if a == b || ha == hb || auth.HashToken(a) != ha || ha == a {
		t.Fatal("tokens not random or hash not stable")
	}
}

func TestPasswordPolicyRules(t *testing.T) {
	for _, tc := range []struct{ pw, email, want string }{
		{"correct horse battery", "a@b.cn", ""},
		{"yuechuang2026", "admin@demo.yuechuang.cn", ""},
		{"123456789", "a@b.cn", auth.PasswordTooShort},
		{"passwordpassword", "a@b.cn", auth.PasswordCommon},
		{"zyxwvutsrq", "a@b.cn", auth.PasswordCommon},
		{"2024Sunshine!!", "a@b.cn", auth.PasswordCommon},
		{"1212121212", "a@b.cn", auth.PasswordCommon},
		{"Zhang.San@Mail.cn", "zhang.san@mail.cn", auth.PasswordIsEmail},
		{"zhangsan2026", "zhangsan@mail.cn", auth.PasswordIsEmail},
	} {
		if got := auth.CheckPassword(tc.pw, tc.email); got != tc.want {
			t.Errorf("CheckPassword(%q, %q) = %q, want %q", tc.pw, tc.email, got, tc.want)
		}
	}
}

// TestVerifiedTokenExpires checks that a token remembered as verified is
// still refused once it expires, and that a token with the same claims but
// a changed signature is not taken for the remembered one.
func TestVerifiedTokenExpires(t *testing.T) {
	now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	s, err := auth.NewSigner([]byte(strings.Repeat("k", 32)), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s.Sign(auth.Claims{UserID: "u1", Role: "founder"})
	for range 3 {
		if c, err := s.Verify(tok); err != nil || c.UserID != "u1" || c.Role != "founder" {
			t.Fatalf("Verify = %+v, %v", c, err)
		}
	}
	tampered := tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[tok[len(tok)-2:] != "AA"]
	if _, err := s.Verify(tampered); err == nil {
		t.Error("a token with another signature was accepted")
	}
	now = now.Add(auth.AccessTokenTTL - time.Second)
	if _, err := s.Verify(tok); err != nil {
		t.Fatalf("still valid token refused: %v", err)
	}
	now = now.Add(time.Minute)
	if _, err := s.Verify(tok); err == nil {
		t.Error("expired token accepted from the verified cache")
	}
}

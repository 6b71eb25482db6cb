package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/mail"
	"github.com/yuechuang/yuechuang/server/mail/mailtest"
)

// TestSendReachesServer sends one mail to a real SMTP conversation on a
// loopback port and reads it back decoded.
func TestSendReachesServer(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.Parse(srv.URL("noreply@yuechuang.test"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	body := "重置密码 / Reset your password:\nhttp://localhost:8080/reset?token=abc_DEF-123\n"
	if err := s.Send(ctx, "user@example.cn", "越创汇：重置密码", body); err != nil {
		t.Fatal(err)
	}
	m := <-srv.Messages
	if m.From != "noreply@yuechuang.test" || m.To != "user@example.cn" || m.Subject != "越创汇：重置密码" || !strings.Contains(m.Body, "token=abc_DEF-123") {
		t.Fatalf("received %+v", m)
	}
}

func TestParse(t *testing.T) {
	for raw, ok := range map[string]bool{
		"smtp://mail.example.cn?from=a@example.cn":          true,
		"smtps://u:p@mail.example.cn:465?from=a@example.cn": true,
		"smtp://mail.example.cn":                            false, // no sender
		"http://mail.example.cn?from=a@example.cn":          false,
		"smtp://?from=a@example.cn":                         false,
		"smtp://mail.example.cn?from=not-an-address":        false,
	} {
		if _, err := mail.Parse(raw); (err == nil) != ok {
			t.Errorf("Parse(%q): %v", raw, err)
		}
	}
}

package app

import (
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
)

// TestJSONPlain: a string jsonPlain lets through is written by the JSON
// appender exactly as it is, and every byte and rune the appender escapes
// makes a string not plain.
func TestJSONPlain(t *testing.T) {
	cases := []string{"", "你好，请问量产时间？", "plain ascii 123 !#$%'()*+,-./:;=?@[]^_`{|}~\x7f", "5ca1e0000000000000000001",
		"a<b", "a>b", "a&b", `a"b`, `a\b`, "a\nb", "a\x00b", "a\x1fb", "a\u2028b", "a\u2029b", "bad \xff", "\xe2\x80", "\u2027\u202a"}
	for c := 0; c < 256; c++ {
		cases = append(cases, "x"+string(rune(c))+"y", "x"+string([]byte{byte(c)})+"y")
	}
	for _, s := range cases {
		asIs := string(domain.AppendJSONString(nil, s)) == `"`+s+`"`
		if jsonPlain(s) != asIs {
			t.Errorf("jsonPlain(%q) = %v, but the appender writes it as it is: %v", s, jsonPlain(s), asIs)
		}
	}
}

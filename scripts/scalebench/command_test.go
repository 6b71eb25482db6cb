package main

import (
	"flag"
	"strings"
	"testing"
)

// TestCommandLine: the table says `make scalebench` only for a run with
// the make target's flags; a kept city or fewer samples is named as given.
func TestCommandLine(t *testing.T) {
	for _, c := range []struct {
		args   []string
		byMake bool
		has    string
	}{
		{[]string{"-bin", "bin/yuechuang"}, true, "-bin bin/yuechuang"},
		{nil, true, "go run ./scripts/scalebench`"},
		{[]string{"-keep"}, true, "-keep true"},
		{[]string{"-bin", "b", "-city", "/tmp/c"}, false, "-city /tmp/c"},
		{[]string{"-n", "1000"}, false, "-n 1000"},
	} {
		fs := flag.NewFlagSet("scalebench", flag.ContinueOnError)
		fs.String("bin", "bin/yuechuang", "")
		fs.String("out", "docs/bench/scalebench.md", "")
		fs.String("city", "", "")
		fs.Int("n", 3000, "")
		fs.Bool("keep", false, "")
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		got := commandLine(fs)
		if strings.Contains(got, "make scalebench` (") != c.byMake || !strings.Contains(got, c.has) {
			t.Errorf("%v: %s", c.args, got)
		}
	}
}

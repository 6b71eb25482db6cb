// Package benchdoc writes a benchmark tool's figures as docs/bench/<tool>.md
// with what makes them reproducible and datable: the commit they were
// measured at (marked when the work tree had changes), the date, the
// command, and how loaded the machine was. `make bench-report` assembles
// docs/BENCHMARKS.md from these files, so no figure outlives the code that
// produced it without saying so.
package benchdoc

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Commit returns the short commit of the work tree in dir, with
// "+changes" when it has uncommitted changes to tracked files, or
// "unknown" outside git.
func Commit(dir string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += "+changes"
	}
	return c
}

// writtenAt is the commit of the repository the output goes to or, for
// output outside any repository (a trial run to /tmp), of the one the tool
// runs in: the code measured is the tool's own work tree either way.
func writtenAt(dir string) string {
	if c := Commit(dir); c != "unknown" {
		return c
	}
	return Commit(".")
}

// Load describes the machine's load now: the 1-minute load average
// against the number of cores (other work on a shared machine slows every
// figure; ratios against a baseline of the same run suffer less).
func Load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return fmt.Sprintf("%d cores, load unknown", runtime.NumCPU())
	}
	f := strings.Fields(string(b))
	out := fmt.Sprintf("1-minute load average %s on %d cores", f[0], runtime.NumCPU())
	if n := Niceness(); n != "0" {
		out += fmt.Sprintf(", this tool and what it started at nice %s in their own scheduling group (`scripts/prio.sh`: more of the CPU than the other work got, the same for the baseline)", n)
	}
	return out
}

// Niceness is this process's nice value as /proc says, or "0".
func Niceness() string {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return "0"
	}
	// The command name (field 2) may hold spaces: count from its ")".
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 17 {
		return "0"
	}
	return f[16] // field 19 overall
}

// Doc is one tool's section.
type Doc struct {
	Title   string // section heading, e.g. "Matching quality on CrunchBase 2013"
	Command string // the command that reproduces the figures
	Load    string // Load() while the tool ran; empty: measured at Write
	Body    string // markdown: tables and notes, from the tool's own output
}

// Write stores d as path (normally docs/bench/<tool>.md) with the commit of
// the repository that holds path and today's date (UTC).
func Write(path string, d Doc) error {
	if d.Load == "" {
		d.Load = Load()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	text := fmt.Sprintf("## %s\n\nMeasured at commit `%s` on %s; %s.\n\n```sh\n%s\n```\n\n%s",
		d.Title, writtenAt(filepath.Dir(path)), time.Now().UTC().Format("2006-01-02 15:04 UTC"), d.Load, d.Command, strings.TrimLeft(d.Body, "\n"))
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

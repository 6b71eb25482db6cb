// Command benchreport writes docs/BENCHMARKS.md and the figures in
// docs/MATCHING.md from the benchmark tools' own output, so that every
// figure in the docs carries the commit and date it was measured at.
//
// Each tool writes its section as docs/bench/<tool>.md (scripts/benchdoc).
// benchreport keeps the hand-written part of docs/BENCHMARKS.md above its
// marker line (how we measure), lists every section with its commit, date
// and how many commits the code has moved since, and appends the sections.
// With -run it first runs the tools it owns:
//
//	go run ./scripts/benchreport                  # assemble from the latest outputs
//	go run ./scripts/benchreport -run all         # run go, evalmatch, loadtest, then assemble
//	go run ./scripts/benchreport -run go,evalmatch
//	go run ./scripts/benchreport -run matching     # one group of Go benchmarks (matching, app)
//
// Other tools (scalebench, searchbench, wsload, videoload, storage) write their own
// docs/bench file when run; a known section that is missing is listed as
// not measured, with its command.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// marker separates the hand-written part of docs/BENCHMARKS.md from the
// generated one.
const marker = "<!-- Everything below is written by `make bench-report` from docs/bench/*.md: change the tools, not this text. -->"

// known sections, in the order they appear, with the command that makes each.
var known = []struct{ file, what, command string }{
	{"matching.md", "matching index", "make bench-report RUN=go"},
	{"evalmatch.md", "matching quality", "make bench-report RUN=evalmatch"},
	{"loadtest.md", "deal flow under load", "make bench-report RUN=loadtest"},
	{"app.md", "deal-flow page and match alerts", "make bench-report RUN=go"},
	{"scalebench.md", "start-up and read model at scale", "make scalebench"},
	{"searchbench.md", "embedded search", "make searchbench"},
	{"wsload.md", "live roadshow room", "make wsload"},
	{"videoload.md", "live video on the stage", "make videoload"},
	{"storage.md", "embedded database", "the storage benchmarks (docs/STORAGE.md)"},
}

func main() {
	runList := flag.String("run", "", "tools to run first: go (or one of its groups: matching, app), evalmatch, loadtest (comma-separated) or all")
	data := flag.String("data", "../shared/data/crunchbase2013", "CrunchBase folder for evalmatch")
	flag.Parse()
	for _, tool := range strings.Split(*runList, ",") {
		var err error
		switch strings.TrimSpace(tool) {
		case "":
		case "all":
			err = runAll(*data)
		case "go":
			err = runGoAll()
		case "evalmatch":
			err = runEvalmatch(*data)
		case "loadtest":
			err = runLoadtest()
		default:
			// one group of Go benchmarks by its file's name: matching, app
			i := slices.IndexFunc(goBenches, func(g goBench) bool { return g.file == strings.TrimSpace(tool)+".md" })
			if i < 0 {
				err = fmt.Errorf("unknown tool %q (go, matching, app, evalmatch, loadtest, all)", tool)
				break
			}
			err = runGo(goBenches[i])
		}
		if err != nil {
			fail(err)
		}
	}
	if err := assemble("docs"); err != nil {
		fail(err)
	}
}

func runAll(data string) error {
	if err := runGoAll(); err != nil {
		return err
	}
	if err := runEvalmatch(data); err != nil {
		return err
	}
	return runLoadtest()
}

func runGoAll() error {
	for _, g := range goBenches {
		if err := runGo(g); err != nil {
			return err
		}
	}
	return nil
}

func runEvalmatch(data string) error {
	return sh("go", "run", "./scripts/evalmatch", "-data", data, "-out", "docs/bench/evalmatch.md")
}

func runLoadtest() error { return sh("scripts/loadtest.sh", "-out", "docs/bench/loadtest.md") }

func sh(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

var measuredAt = regexp.MustCompile("Measured at commit `([^`]+)` on ([^;]+);")

// assemble rewrites dir/BENCHMARKS.md and the evalmatch part of
// dir/MATCHING.md from dir/bench/*.md.
func assemble(dir string) error {
	sections := map[string]string{}
	files, err := filepath.Glob(filepath.Join(dir, "bench", "*.md"))
	if err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		sections[filepath.Base(f)] = strings.TrimSpace(string(b)) + "\n"
	}
	order := []string{}
	for _, k := range known {
		if sections[k.file] != "" {
			order = append(order, k.file)
		}
	}
	var rest []string
	for f := range sections {
		if !slices.Contains(order, f) {
			rest = append(rest, f)
		}
	}
	slices.Sort(rest)
	order = append(order, rest...)

	path := filepath.Join(dir, "BENCHMARKS.md")
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	head, _, found := strings.Cut(string(old), marker)
	if !found {
		return fmt.Errorf("%s has no marker line %q: put it under the hand-written part", path, marker)
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight(head, "\n") + "\n\n" + marker + "\n\n")
	b.WriteString("## Where each figure comes from\n\n| section | measured at commit | on | commits to the code since |\n|---|---|---|---|\n")
	for _, f := range order {
		commit, date := "unknown", "unknown"
		if m := measuredAt.FindStringSubmatch(sections[f]); m != nil {
			commit, date = m[1], m[2]
		}
		fmt.Fprintf(&b, "| [%s](bench/%s) | `%s` | %s | %s |\n", title(sections[f], f), f, commit, date, since(commit))
	}
	var missing []string
	for _, k := range known {
		if sections[k.file] == "" {
			cmd := k.command
			if strings.HasPrefix(cmd, "make ") {
				cmd = "`" + cmd + "`"
			}
			missing = append(missing, fmt.Sprintf("- %s (`docs/bench/%s`): %s", k.what, k.file, cmd))
		}
	}
	if len(missing) > 0 {
		b.WriteString("\nNot measured in this form yet (no figures are shown for them here until their tool writes its file):\n\n" + strings.Join(missing, "\n") + "\n")
	}
	for _, f := range order {
		b.WriteString("\n" + sections[f])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if ev := sections["evalmatch.md"]; ev != "" {
		return splice(filepath.Join(dir, "MATCHING.md"), "evalmatch", demote(ev))
	}
	return nil
}

// title is a section's first heading, without the hashes.
func title(section, file string) string {
	for _, l := range strings.Split(section, "\n") {
		if strings.HasPrefix(l, "#") {
			return strings.TrimSpace(strings.TrimLeft(l, "#"))
		}
	}
	return file
}

// since says how many commits since commit changed anything outside docs/
// (a commit that only writes figures does not age them), or why it cannot
// tell.
func since(commit string) string {
	c, dirty := strings.CutSuffix(commit, "+changes")
	out, err := exec.Command("git", "rev-list", "--count", "--no-merges", c+"..HEAD", "--", ".", ":(exclude)docs").Output()
	if err != nil {
		return "not in this history"
	}
	n := strings.TrimSpace(string(out))
	if dirty {
		n += " (measured with uncommitted changes)"
	}
	return n
}

// demote turns a section's headings one level down, for a topic doc.
func demote(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			lines[i] = "#" + l
		}
	}
	return strings.Join(lines, "\n")
}

// splice replaces what lies between <!-- bench:name --> and
// <!-- /bench:name --> in path with text.
func splice(path, name, text string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	open, end := "<!-- bench:"+name+" -->", "<!-- /bench:"+name+" -->"
	before, after, ok := strings.Cut(string(b), open)
	if !ok {
		return fmt.Errorf("%s has no %s marker", path, open)
	}
	_, after, ok = strings.Cut(after, end)
	if !ok {
		return fmt.Errorf("%s has no %s marker", path, end)
	}
	return os.WriteFile(path, []byte(before+open+"\n"+strings.TrimSpace(text)+"\n"+end+after), 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(1)
}

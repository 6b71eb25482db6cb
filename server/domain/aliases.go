package domain

import (
	"fmt"
	"strings"
	"unicode"
)

// foldName folds a name as people write it in a sheet: case, spaces,
// dashes, dots and brackets do not matter, nor a trailing 轮 or "round"
// (天使轮 = 天使, Pre-A = prea, A轮 = a).
func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if unicode.IsSpace(r) || strings.ContainsRune("-_·.()（）[]【】/", r) {
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	for _, suffix := range []string{"round", "轮融资", "轮"} {
		if t := strings.TrimSuffix(out, suffix); t != "" {
			out = t
		}
	}
	return out
}

// names are every way n may be written: its code, names, synonyms and aliases.
func (n Named) names() []string {
	out := append([]string{n.Code, n.Zh, n.En}, n.Aliases...)
	for _, set := range n.Synonyms {
		out = append(out, set...)
	}
	return out
}

// MatchNamed returns the code in list that s names (by code, name, synonym
// or alias, folded by foldName), or "".
func MatchNamed(list []Named, s string) string {
	f := foldName(s)
	if f == "" {
		return ""
	}
	for _, n := range list {
		for _, name := range n.names() {
			if foldName(name) == f {
				return n.Code
			}
		}
	}
	return ""
}

// CheckNames reports an alias that also names another entry of list once
// folded: a sheet saying it could mean either.
func CheckNames(list []Named) error {
	for _, n := range list {
		for _, a := range n.Aliases {
			f := foldName(a)
			if f == "" {
				return fmt.Errorf("%q: a blank alias", n.Code)
			}
			for _, o := range list {
				if o.Code == n.Code {
					continue
				}
				for _, name := range o.names() {
					if foldName(name) == f {
						return fmt.Errorf("alias %q of %q names %q too", a, n.Code, o.Code)
					}
				}
			}
		}
	}
	return nil
}

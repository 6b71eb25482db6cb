// Package taxonomy loads a deployment's sectors, stages and districts. The
// Shaoxing set is embedded as the default; another city passes its own file
// (TAXONOMY_FILE) with the same shape.
package taxonomy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
)

//go:embed shaoxing.json
var shaoxing []byte

// Load reads the taxonomy in path, or the embedded Shaoxing default when path
// is empty, and checks it.
func Load(path string) (*domain.Taxonomy, error) {
	data := shaoxing
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("taxonomy: %w", err)
		}
	}
	return Parse(data)
}

// Parse decodes and checks a taxonomy document.
func Parse(data []byte) (*domain.Taxonomy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t domain.Taxonomy
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("taxonomy: decode: %w", err)
	}
	if err := check(&t); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	return &t, nil
}

func check(t *domain.Taxonomy) error {
	if len(t.Sectors) == 0 || len(t.Districts) == 0 {
		return fmt.Errorf("needs at least one sector and one district")
	}
	families := map[string]bool{}
	for _, f := range t.Families {
		families[f.Code] = true
	}
	seen := map[string]bool{}
	for _, s := range t.Sectors {
		if s.Code == "" || s.Zh == "" || s.En == "" || seen["s:"+s.Code] {
			return fmt.Errorf("sector %q: code, zh and en required, code unique", s.Code)
		}
		if !families[s.Family] {
			return fmt.Errorf("sector %q: unknown family %q", s.Code, s.Family)
		}
		if err := checkSynonyms(s.Synonyms); err != nil {
			return fmt.Errorf("sector %q: %w", s.Code, err)
		}
		seen["s:"+s.Code] = true
	}
	for _, d := range t.Districts {
		if d.Code == "" || d.Zh == "" || d.En == "" || seen["d:"+d.Code] {
			return fmt.Errorf("district %q: code, zh and en required, code unique", d.Code)
		}
		if err := checkSynonyms(d.Synonyms); err != nil {
			return fmt.Errorf("district %q: %w", d.Code, err)
		}
		seen["d:"+d.Code] = true
	}
	if err := domain.CheckNames(t.Districts); err != nil {
		return fmt.Errorf("districts: %w", err)
	}
	if err := domain.CheckNames(t.Stages); err != nil {
		return fmt.Errorf("stages: %w", err)
	}
	codes := domain.StageCodes()
	if len(t.Stages) != len(codes) {
		return fmt.Errorf("stages must name exactly %v in order", codes)
	}
	for i, s := range t.Stages {
		if s.Code != codes[i] || s.Zh == "" || s.En == "" {
			return fmt.Errorf("stage %d must be %q with zh and en names", i, codes[i])
		}
	}
	return nil
}

// checkSynonyms requires every synonym set to hold terms, none blank.
func checkSynonyms(sets [][]string) error {
	for i, set := range sets {
		if len(set) == 0 {
			return fmt.Errorf("synonym set %d is empty", i)
		}
		for _, t := range set {
			if strings.TrimSpace(t) == "" {
				return fmt.Errorf("synonym set %d has a blank term", i)
			}
		}
	}
	return nil
}

//go:embed targets_shaoxing.json
var shaoxingTargets []byte

// LoadTargets reads a program's default targets from path, or the embedded
// Shaoxing action plan's when path is empty. Admins change them at run time.
func LoadTargets(path string) (*domain.Targets, error) {
	data := shaoxingTargets
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("targets: %w", err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t domain.Targets
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("targets: decode: %w", err)
	}
	if t.Districts == nil {
		t.Districts = map[string]domain.DistrictTargets{}
	}
	return &t, nil
}

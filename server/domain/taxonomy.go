package domain

// Stage codes in funding order. The codes are fixed by the public contract;
// their display names come from the taxonomy file.
var stageOrder = []string{"idea", "seed", "angel", "pre-a", "a", "b", "c-plus", "pre-ipo"}

// StageCodes returns the stage codes in funding order.
func StageCodes() []string { return append([]string(nil), stageOrder...) }

// StageIndex returns the position of code in funding order, or -1.
func StageIndex(code string) int {
	for i, s := range stageOrder {
		if s == code {
			return i
		}
	}
	return -1
}

// Named is a code with Chinese and English display names.
type Named struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
	// Synonyms are other names people use for it (districts: 柯桥 for 柯桥区),
	// each set one group of equivalent terms; search expands them.
	Synonyms [][]string `json:"synonyms,omitempty"`
	// Aliases are more names people write in sheets (天使 for 天使轮); the
	// registry import accepts them beside the names and synonyms.
	Aliases []string `json:"aliases,omitempty"`
}

// Sector is a named industry sector; sectors sharing a Family are related.
type Sector struct {
	Code   string `json:"code"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
	Family string `json:"family"`
	// Synonyms are the words people use for the sector in either language,
	// each set one group of equivalent terms (芯片/chip/IC). Search indexes
	// them with every profile of the sector and expands a query term to the
	// rest of its set.
	Synonyms [][]string `json:"synonyms,omitempty"`
}

// Taxonomy is a deployment's places, sectors and stage names. It is data:
// each city ships its own file. A Taxonomy is read-only after loading and safe
// for concurrent use.
type Taxonomy struct {
	City      Named    `json:"city"`
	Sectors   []Sector `json:"sectors"`
	Families  []Named  `json:"families"`
	Stages    []Named  `json:"stages"`
	Districts []Named  `json:"districts"`
}

// HasSector reports whether code is a sector of t.
func (t *Taxonomy) HasSector(code string) bool {
	_, ok := t.Sector(code)
	return ok
}

// Sector returns the sector with code.
func (t *Taxonomy) Sector(code string) (Sector, bool) {
	for _, s := range t.Sectors {
		if s.Code == code {
			return s, true
		}
	}
	return Sector{}, false
}

// HasDistrict reports whether code is a district of t.
func (t *Taxonomy) HasDistrict(code string) bool {
	for _, d := range t.Districts {
		if d.Code == code {
			return true
		}
	}
	return false
}

// HasStage reports whether code is a funding stage.
func (t *Taxonomy) HasStage(code string) bool { return StageIndex(code) >= 0 }

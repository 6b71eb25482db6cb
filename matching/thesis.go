package matching

import "time"

// NumStages is the number of funding stages; stages are given as their
// index in funding order (0 idea … 7 pre-IPO).
const NumStages = 8

// Thesis is what an investor looks for. Empty lists mean "any".
type Thesis struct {
	Sectors   []string
	Stages    []int
	ChequeMin float64 // 万元; 0 = not stated
	ChequeMax float64 // 万元; 0 = no upper bound
	Districts []string
	Spaces    []string // maker spaces the investor works with
}

// Startup is what matching knows of a startup.
type Startup struct {
	ID           string // 24 hex digits
	Sector       string
	Stage        int
	AskWan       float64
	District     string
	SpaceID      string
	Completeness float64 // 0..1
	UpdatedAt    time.Time
}

// Action is an investor's feedback on a startup.
type Action int8

// Feedback actions. Interested and Save teach the ranking what the investor
// likes; Pass teaches what they do not, and removes that startup.
const (
	Pass       Action = -1
	Save       Action = 1
	Interested Action = 2
)

// Signal is one piece of feedback.
type Signal struct {
	StartupID string
	Action    Action
}

// bits256 is a set of small codes.
type bits256 [4]uint64

func (b *bits256) set(i uint8)      { b[i>>6] |= 1 << (i & 63) }
func (b *bits256) has(i uint8) bool { return b[i>>6]&(1<<(i&63)) != 0 }

// compiled is a thesis turned into bit sets over a vocabulary.
type compiled struct {
	sectors, families, districts bits256
	anySector, anyDistrict       bool
	stages                       uint16
	lo, hi                       float64
	spaces                       []uint16
}

func (c *compiled) sectorFit(sector, family uint8) SectorFit {
	switch {
	case c.anySector:
		return SectorOpen
	case c.sectors.has(sector):
		return SectorExact
	case c.families.has(family):
		return SectorFamily
	}
	return SectorNone
}

func (c *compiled) districtFit(d uint8) DistrictFit {
	switch {
	case c.anyDistrict:
		return DistrictOpen
	case c.districts.has(d):
		return DistrictMatch
	}
	return DistrictOther
}

func (c *compiled) sharesSpace(sp uint16) bool {
	if sp == 0 {
		return false
	}
	for _, x := range c.spaces {
		if x == sp {
			return true
		}
	}
	return false
}

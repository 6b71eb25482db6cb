package matching

import "fmt"

// vocab interns the codes the index stores as small integers. Code 0 of
// each table means "none".
type vocab struct {
	sectors   map[string]uint8
	sectorFam []uint8 // family of each sector code
	families  map[string]uint8
	districts map[string]uint8
	spaces    map[string]uint16
}

func newVocab(families map[string]string) *vocab {
	v := &vocab{
		sectors: map[string]uint8{}, sectorFam: []uint8{0}, families: map[string]uint8{},
		districts: map[string]uint8{}, spaces: map[string]uint16{},
	}
	for sector, fam := range families {
		_, _ = v.sector(sector, fam)
	}
	return v
}

// sector returns the code of s, adding it (in family fam) if new.
func (v *vocab) sector(s, fam string) (uint8, error) {
	if c, ok := v.sectors[s]; ok {
		return c, nil
	}
	if len(v.sectorFam) >= 255 {
		return 0, fmt.Errorf("matching: more than 254 sectors")
	}
	f, ok := v.families[fam]
	if !ok {
		f = uint8(len(v.families) + 1)
		v.families[fam] = f
	}
	c := uint8(len(v.sectorFam))
	v.sectors[s] = c
	v.sectorFam = append(v.sectorFam, f)
	return c, nil
}

func (v *vocab) district(d string) (uint8, error) {
	if d == "" {
		return 0, nil
	}
	if c, ok := v.districts[d]; ok {
		return c, nil
	}
	if len(v.districts) >= 254 {
		return 0, fmt.Errorf("matching: more than 254 districts")
	}
	c := uint8(len(v.districts) + 1)
	v.districts[d] = c
	return c, nil
}

func (v *vocab) space(s string) (uint16, error) {
	if s == "" {
		return 0, nil
	}
	if c, ok := v.spaces[s]; ok {
		return c, nil
	}
	if len(v.spaces) >= 65534 {
		return 0, fmt.Errorf("matching: more than 65534 maker spaces")
	}
	c := uint16(len(v.spaces) + 1)
	v.spaces[s] = c
	return c, nil
}

// compile turns a thesis into bit sets. Codes the index has never seen
// cannot match anything, so they are simply not set.
func (v *vocab) compile(t Thesis) compiled {
	c := compiled{anySector: len(t.Sectors) == 0, anyDistrict: len(t.Districts) == 0, lo: t.ChequeMin, hi: t.ChequeMax}
	for _, s := range t.Sectors {
		if code, ok := v.sectors[s]; ok {
			c.sectors.set(code)
			c.families.set(v.sectorFam[code])
		}
	}
	for _, st := range t.Stages {
		if st >= 0 && st < NumStages {
			c.stages |= 1 << st
		}
	}
	for _, d := range t.Districts {
		if code, ok := v.districts[d]; ok {
			c.districts.set(code)
		}
	}
	for _, s := range t.Spaces {
		if code, ok := v.spaces[s]; ok {
			c.spaces = append(c.spaces, code)
		}
	}
	return c
}

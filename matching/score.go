// Package matching scores how well a startup fits an investor's thesis and
// ranks many startups for one investor (or many investors for one startup).
// It is pure: no I/O, standard library only. Scores come with their parts so
// that callers can explain every match in plain words.
//
// The score is tiered so that the product's ordering rule always holds:
// exact sector and stage (tier 3) above exact sector only (tier 2) above
// exact stage only (tier 1) above neither (tier 0). Each tier is a band of
// TierWidth points; partial credit (related sector, neighbouring stage) and
// the adjustments (cheque size, district, shared space, completeness,
// freshness, the investor's own feedback) order startups within a band and
// can never lift one into the band above.
package matching

import "math"

// TierWidth is the width of one tier's band; scores run from 0 to 4*TierWidth.
const TierWidth = 25

// Weights are the within-tier points of each factor. Their sum, with the
// feedback range, must stay below TierWidth (Validate checks it).
type Weights struct {
	FamilySector float64 // sector not in thesis but in the same family as one that is
	StageNear    float64 // stage one step from a thesis stage
	StageFar     float64 // stage two steps away
	ChequeIn     float64 // ask inside the investor's cheque range
	ChequeNear   float64 // ask within a factor of two of the range
	District     float64 // startup in one of the investor's districts
	OpenDistrict float64 // investor names no districts: anywhere is fine, but less than a named match
	SharedSpace  float64 // investor works with the startup's maker space
	Completeness float64 // times profile completeness 0..1
	Freshness    float64 // times freshness 0..1
	Feedback     float64 // times learned affinity -1..1
}

// DefaultWeights are the weights scripts/evalmatch chose on its validation
// window (CrunchBase deals of 2011, theses from the deals before), by mean
// NDCG@10 and then recall@100 over a grid of district, cheque, stage-step
// and related-sector weights; the test window (2012 onwards) played no part
// and is scored once with them (figures in docs/MATCHING.md). The grid is
// flat at the top: district and cheque fit are what the data can tell
// apart (dropping either costs the most on the test window), while
// neighbouring stages and related sectors barely move the top 100, which
// exact-sector matches fill, so the tie-break on recall@100 picked the
// grid's largest values for them, in line with the partial credit the
// product promises. Shared space, completeness and freshness cannot be
// measured on CrunchBase and stay small tie-breakers; feedback gets enough
// room to reorder a tier.
var DefaultWeights = Weights{
	FamilySector: 4, StageNear: 4, StageFar: 2, ChequeIn: 2, ChequeNear: 1,
	District: 2, OpenDistrict: 1, SharedSpace: 1.5, Completeness: 1, Freshness: 1, Feedback: 2,
}

// Max returns the most within-tier points w can give.
func (w Weights) Max() float64 {
	return w.FamilySector + w.StageNear + w.ChequeIn + math.Max(w.District, w.OpenDistrict) +
		w.SharedSpace + w.Completeness + w.Freshness + w.Feedback
}

// Valid reports whether w keeps every tier inside its band.
func (w Weights) Valid() bool {
	for _, v := range []float64{w.FamilySector, w.StageNear, w.StageFar, w.ChequeIn, w.ChequeNear, w.District,
		w.OpenDistrict, w.SharedSpace, w.Completeness, w.Freshness, w.Feedback} {
		if v < 0 {
			return false
		}
	}
	return w.Max() < TierWidth
}

// SectorFit says how a startup's sector relates to a thesis.
type SectorFit uint8

// Sector fits.
const (
	SectorNone   SectorFit = iota
	SectorFamily           // same family as a thesis sector
	SectorExact
	SectorOpen // the thesis names no sectors
)

// StageFit says how a startup's stage relates to a thesis.
type StageFit uint8

// Stage fits.
const (
	StageNone StageFit = iota
	StageFar           // two steps from a thesis stage
	StageNear          // one step
	StageExact
	StageOpen // the thesis names no stages
)

// ChequeFit says how a startup's ask relates to a cheque range.
type ChequeFit uint8

// Cheque fits.
const (
	ChequeUnknown ChequeFit = iota // no range or no ask
	ChequeOut
	ChequeNear // within a factor of two
	ChequeIn
)

// DistrictFit says how a startup's district relates to a thesis.
type DistrictFit uint8

// District fits.
const (
	DistrictOther DistrictFit = iota
	DistrictOpen              // thesis names no districts
	DistrictMatch
)

// Parts are the pieces of one score, for explaining it.
type Parts struct {
	Sector       SectorFit
	Stage        StageFit
	Cheque       ChequeFit
	District     DistrictFit
	SharedSpace  bool
	Completeness float64 // 0..1, as given
	Freshness    float64 // 0..1
	Affinity     float64 // -1..1, learned from feedback
	Tier         int     // 0..3
}

// Match is one scored pair.
type Match struct {
	Score float64 // 0..100
	Parts Parts
}

// tier returns the band of a sector and stage fit. An open thesis (no
// sectors or no stages named) counts as exact for that dimension: the
// investor said anything goes.
func tier(sec SectorFit, st StageFit) int {
	secOK := sec == SectorExact || sec == SectorOpen
	stOK := st == StageExact || st == StageOpen
	switch {
	case secOK && stOK:
		return 3
	case secOK:
		return 2
	case stOK:
		return 1
	}
	return 0
}

// within returns the within-tier points of p under w: first what a
// bucket's records share (sector family, stage, feedback), then each
// record's own, in the order a ranking's scan adds them (recordPoints), so
// that both make the same float64.
func (w *Weights) within(p *Parts) float64 {
	return w.recordPoints(w.sharedPoints(p), p.Cheque, p.District, p.SharedSpace, clamp01(p.Completeness), clamp01(p.Freshness))
}

// sharedPoints are the within-tier points of what a bucket's records share.
func (w *Weights) sharedPoints(p *Parts) float64 {
	pts := 0.0
	if p.Sector == SectorFamily {
		pts += w.FamilySector
	}
	switch p.Stage {
	case StageNear:
		pts += w.StageNear
	case StageFar:
		pts += w.StageFar
	}
	// Affinity is centred so that no feedback sits mid-way and negative
	// feedback can lower a startup without leaving the band.
	pts += w.Feedback * (1 + max(-1, min(1, p.Affinity))) / 2
	return pts
}

// recordPoints adds a record's own points to shared; complete and fresh
// are in 0..1.
func (w *Weights) recordPoints(shared float64, cheque ChequeFit, district DistrictFit, space bool, complete, fresh float64) float64 {
	pts := shared + w.chequePoints(cheque)
	pts += w.districtPoints(district)
	if space {
		pts += w.SharedSpace
	}
	// the conversions keep a compiler from fusing a product into an
	// addition in one place and not another
	return pts + (float64(w.Completeness*complete) + float64(w.Freshness*fresh))
}

func (w *Weights) chequePoints(f ChequeFit) float64 {
	switch f {
	case ChequeIn:
		return w.ChequeIn
	case ChequeNear:
		return w.ChequeNear
	case ChequeUnknown:
		return w.ChequeNear / 2
	}
	return 0
}

func (w *Weights) districtPoints(f DistrictFit) float64 {
	switch f {
	case DistrictMatch:
		return w.District
	case DistrictOpen:
		return w.OpenDistrict
	}
	return 0
}

func clamp01(x float64) float64 { return max(0, min(1, x)) }

// total turns parts into the final score.
func (w *Weights) total(p *Parts) float64 {
	p.Tier = tier(p.Sector, p.Stage)
	return float64(p.Tier)*TierWidth + w.within(p)
}

// chequeFit compares an ask with a range; zero bounds mean "not stated".
func chequeFit(ask, lo, hi float64) ChequeFit {
	if ask <= 0 || (lo <= 0 && hi <= 0) {
		return ChequeUnknown
	}
	if hi <= 0 {
		hi = math.Inf(1)
	}
	switch {
	case ask >= lo && ask <= hi:
		return ChequeIn
	case ask >= lo/2 && ask <= hi*2:
		return ChequeNear
	}
	return ChequeOut
}

// stageFit returns the fit of stage against a set of thesis stages given
// as a bit mask over stage indices.
func stageFit(stage uint8, mask uint16) StageFit {
	if mask == 0 {
		return StageOpen
	}
	if mask&(1<<stage) != 0 {
		return StageExact
	}
	near := mask<<1 | mask>>1
	if near&(1<<stage) != 0 {
		return StageNear
	}
	if (mask<<2|mask>>2)&(1<<stage) != 0 {
		return StageFar
	}
	return StageNone
}

// Freshness maps days since the last update to 0..1: full for a month,
// falling to zero at half a year.
func Freshness(days int) float64 {
	switch {
	case days <= 30:
		return 1
	case days >= freshnessZero:
		return 0
	}
	return 1 - float64(days-30)/150
}

// freshnessZero is the age in days from which freshness is zero.
const freshnessZero = 180

package domain

// The official figures' counting rules, in one place for every counter
// (today's scans in app.Stats, the read model's view). A number a founder
// declares alone can be inflated by anyone, so the figures count only what
// a second party stands behind.

// CountsSpace reports whether a maker space counts in the official
// figures: the city's admin verified it.
func CountsSpace(s *Space) bool { return s.Verified }

// CountsStartup reports whether a startup counts as incubated: published,
// and a confirmed resident of a space that counts (spaceCounts says which).
// Drafts, startups that only asked a space, and residents of unverified
// spaces are not counted.
func CountsStartup(s *Startup, spaceCounts func(spaceID string) bool) bool {
	return s.Status == StatusPublished && s.Residency == ResidencyConfirmed && s.SpaceID != "" && spaceCounts(s.SpaceID)
}

// Bases of a figure: how far a number is vouched for.
const (
	BasisVerified     = "verified"      // counted from facts the city or a space confirmed
	BasisSelfDeclared = "self-declared" // founders' own statements about counted startups
)

// FigureBasis says the basis of the figure with key: team sizes (talent)
// and high-tech certificates are stated by founders, in startups that
// count.
func FigureBasis(key string) string {
	switch key {
	case "talent", "highTech":
		return BasisSelfDeclared
	}
	return BasisVerified
}

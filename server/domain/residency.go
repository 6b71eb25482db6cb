package domain

// Residency in a maker space is two-sided: a founder asks and the space
// confirms, or the space invites and the founder confirms. Only confirmed
// residency counts: on the space's page, in its registry and in the
// program's official figures.
const (
	ResidencyRequested = "requested" // the founder asked; the space's manager confirms
	ResidencyInvited   = "invited"   // the space invited; the founder confirms
	ResidencyConfirmed = "confirmed"
)

// Residency refusals.
var (
	ErrNoResidencyAsked = CodedError(KindConflict, "no_residency_pending",
		"there is no residency waiting for this answer")
	ErrResidentElsewhere = CodedError(KindConflict, "resident_elsewhere",
		"the startup is in, or has asked, another space")
)

// FounderChoseSpace applies a founder's choice of space (s.SpaceID, just
// set) to s's residency, given what it was before: a new space is a
// request that space confirms, unless that space had invited the startup,
// which choosing it accepts; no space ends residency; the same space
// changes nothing.
func (s *Startup) FounderChoseSpace(prevSpace, prevResidency string) {
	switch {
	case s.SpaceID == "":
		s.Residency = ""
	case s.SpaceID == prevSpace && prevResidency == ResidencyInvited:
		s.Residency = ResidencyConfirmed
	case s.SpaceID == prevSpace:
		s.Residency = prevResidency
	default:
		s.Residency = ResidencyRequested
	}
}

// SpaceAnswers is a space's answer to a founder's request (or a space
// inviting a startup that has asked nothing): confirm or decline for the
// space spaceID.
func (s *Startup) SpaceAnswers(spaceID string, confirm bool) error {
	switch {
	case confirm && s.SpaceID == spaceID && s.Residency == ResidencyRequested:
		s.Residency = ResidencyConfirmed
	case confirm && s.SpaceID == spaceID:
		// Confirmed already, or invited and waiting for the founder.
	case confirm && s.SpaceID != "":
		return ErrResidentElsewhere
	case confirm:
		// The space invites: the founder confirms.
		s.SpaceID, s.Residency = spaceID, ResidencyInvited
	case s.SpaceID == spaceID:
		// Declining a request, withdrawing an invitation or ending residency.
		s.SpaceID, s.Residency = "", ""
	default:
		return ErrNoResidencyAsked
	}
	return nil
}

// FounderAnswers is the founder's answer to a space's invitation.
func (s *Startup) FounderAnswers(accept bool) error {
	if s.Residency != ResidencyInvited {
		return ErrNoResidencyAsked
	}
	if accept {
		s.Residency = ResidencyConfirmed
	} else {
		s.SpaceID, s.Residency = "", ""
	}
	return nil
}

// ConfirmedResident reports whether s is a confirmed resident of spaceID.
func (s *Startup) ConfirmedResident(spaceID string) bool {
	return s.SpaceID == spaceID && spaceID != "" && s.Residency == ResidencyConfirmed
}

// ResidentSpace is the space s is a resident of in everyone else's eyes:
// its space once both sides confirmed, none while a founder's request or
// a space's invitation waits for the other side. The space's public page,
// the catalog's space filter, cards and matching all go by it, so that a
// founder cannot borrow a space's name by choosing it.
func (s *Startup) ResidentSpace() string {
	if s.Residency == ResidencyConfirmed {
		return s.SpaceID
	}
	return ""
}

// HideUnconfirmedResidency clears from s, a copy shown to someone other
// than its founder, a residency the other side has not confirmed.
func (s *Startup) HideUnconfirmedResidency() {
	if s.ResidentSpace() == "" {
		s.SpaceID, s.Residency = "", ""
	}
}

// What a space's registry import may change in an existing startup.
const (
	RegistryChangeNone  = ""      // nothing: a founder's draft, or not a confirmed resident
	RegistryChangeFacts = "facts" // the space's facts (team size, high-tech) of a confirmed resident
	RegistryChangeAll   = "all"   // everything: a row of the space's own registry
)

// RegistryMayChange says what space sp's registry import may change in s,
// a startup in sp: the rows the space owns entirely; a founder's published,
// confirmed resident only in the facts the space vouches for; a founder's
// draft or unconfirmed startup not at all.
func RegistryMayChange(s *Startup, sp *Space) string {
	switch {
	case s.SpaceID != sp.ID:
		return RegistryChangeNone
	case s.OwnerID == sp.OwnerID:
		return RegistryChangeAll
	case s.ConfirmedResident(sp.ID) && s.Status == StatusPublished:
		return RegistryChangeFacts
	}
	return RegistryChangeNone
}

// RegistryLists reports whether space sp's registry export lists s: its
// own rows and its confirmed, published residents; no founder's draft and
// no request the space has not confirmed.
func RegistryLists(s *Startup, sp *Space) bool {
	return RegistryMayChange(s, sp) != RegistryChangeNone
}

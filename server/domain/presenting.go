package domain

// Stage is what a live roadshow room shows now: the slot presenting and the
// page of its deck on screen.
type Stage struct {
	Slot      int
	Page      int
	StartupID string
}

// Refusals of the deck rules below.
var (
	ErrRoadshowNotLive = CodedError(KindForbidden, "roadshow_not_live",
		"路演进行中才展示路演材料 / decks are shown while the roadshow is live")
	ErrDeckNotOnStage = CodedError(KindForbidden, "deck_not_on_stage",
		"只能查看正在展示的项目材料 / only the deck on stage is shown, up to the page on screen")
)

// RoomDeckPages says how much of startupID's deck someone admitted to r's
// room may read now: pages 1..n, where n is the page on screen, and only
// while r is live and that startup is on stage. Nobody has standing access
// through a roadshow, host and presenters included: a founder's deck is
// theirs and is shown only as they present it (their own deck they read
// on their startup's page). Callers check entry first (EntryRefusal).
func (r *Roadshow) RoomDeckPages(startupID string, on *Stage) (int, error) {
	inAgenda := false
	for _, s := range r.Slots {
		inAgenda = inAgenda || s.StartupID == startupID
	}
	if !inAgenda {
		return 0, ErrNotFound
	}
	if r.Status != RoadshowLive || on == nil {
		return 0, ErrRoadshowNotLive
	}
	if on.StartupID != startupID || on.Page < 1 {
		return 0, ErrDeckNotOnStage
	}
	return on.Page, nil
}

// RecordRefusal says why userID may not read r's record (chat, questions,
// interest, attendance), or nil if they may: the record follows the room's
// visibility, so exactly those who may enter the room may read it.
func (r *Roadshow) RecordRefusal(userID string, role Role, registered func() (bool, error)) error {
	return r.EntryRefusal(userID, role, registered)
}

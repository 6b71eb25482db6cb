package domain

// Targets are a program's goals: a year and numbers, as a city's action
// plan sets them; districts may have their own.
type Targets struct {
	Year                int                        `json:"year" bson:"year"`
	SpacesCity          int                        `json:"spacesCity" bson:"spacesCity"`
	SpacesProvincial    int                        `json:"spacesProvincial" bson:"spacesProvincial"`
	SpacesNational      int                        `json:"spacesNational" bson:"spacesNational"`
	MakerBases          int                        `json:"makerBases" bson:"makerBases"`
	Startups            int                        `json:"startups" bson:"startups"` // tech SMEs incubated
	HighTech            int                        `json:"highTech" bson:"highTech"`
	Talent              int                        `json:"talent" bson:"talent"`
	VentureInstitutions int                        `json:"ventureInstitutions" bson:"ventureInstitutions"`
	IncubationTeamShare float64                    `json:"incubationTeamShare" bson:"incubationTeamShare"` // of spaces, 0..1
	FinancingShare      float64                    `json:"financingShare" bson:"financingShare"`
	MentoringShare      float64                    `json:"mentoringShare" bson:"mentoringShare"`
	TechServicesShare   float64                    `json:"techServicesShare" bson:"techServicesShare"`
	Districts           map[string]DistrictTargets `json:"districts" bson:"districts"`
}

// DistrictTargets are a district's own numbers; zero means none set.
type DistrictTargets struct {
	Spaces   int `json:"spaces" bson:"spaces"`
	Startups int `json:"startups" bson:"startups"`
	HighTech int `json:"highTech" bson:"highTech"`
}

// Figure is one counted number with its target.
type Figure struct {
	Key     string   `json:"key"`
	Zh      string   `json:"zh"`
	En      string   `json:"en"`
	Value   float64  `json:"value"`
	Target  float64  `json:"target,omitempty"`
	Percent *float64 `json:"percent,omitempty"` // of the target reached
	Unit    string   `json:"unit,omitempty"`    // "share" for 0..1 values
	Basis   string   `json:"basis,omitempty"`   // verified or self-declared (FigureBasis)
}

// Snapshot is the program's figures as they stood on one day. Reconstructed
// snapshots were computed afterwards from stored dates (see Stats.Backfill)
// rather than recorded on the day.
type Snapshot struct {
	Date          string          `json:"date"` // YYYY-MM-DD, the day's key
	Values        []SnapshotValue `json:"-"`
	Reconstructed bool            `json:"reconstructed"`
}

// SnapshotValue is one figure's value in a snapshot. Values are a list, not
// a map, because figure keys hold dots that FerretDB refuses as field names.
type SnapshotValue struct {
	Key   string  `bson:"k"`
	Value float64 `bson:"v"`
}

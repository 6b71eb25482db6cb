package domain

import (
	"math"
	"sort"
	"time"
)

// Event kinds of the maker-space alliance (众创空间联盟): the five the plan
// names. Roadshows keep their own record (Roadshow) and show on the
// calendar as EventRoadshow; the other kinds are Events.
const (
	EventForum      = "forum"       // 主题论坛
	EventContest    = "contest"     // 创客大赛
	EventExhibition = "exhibition"  // 创客成果展
	EventRoadshow   = "roadshow"    // 创客项目路演
	EventFleaMarket = "flea_market" // 创客跳蚤市场
)

// EventKinds are the calendar's kinds, in the plan's order.
var EventKinds = []string{EventForum, EventContest, EventExhibition, EventRoadshow, EventFleaMarket}

// Event statuses: an event is scheduled until its host cancels it.
const (
	EventScheduled = "scheduled"
	EventCancelled = "cancelled"
)

// Event is an alliance event at a maker space: a forum, contest,
// exhibition or flea market. A contest carries its judging (Contest).
type Event struct {
	ID          string    `json:"id" bson:"_id"`
	OwnerID     string    `json:"ownerId" bson:"ownerId"`
	Kind        string    `json:"kind" bson:"kind"`
	Title       string    `json:"title" bson:"title"`
	Description string    `json:"description" bson:"description"`
	SpaceID     string    `json:"spaceId" bson:"spaceId"`
	Location    string    `json:"location" bson:"location"` // the room or address within the space, or a link
	StartsAt    time.Time `json:"startsAt" bson:"startsAt"`
	EndsAt      time.Time `json:"endsAt" bson:"endsAt"`
	Capacity    int       `json:"capacity" bson:"capacity"` // 0: no limit
	Status      string    `json:"status" bson:"status"`
	Reminded    bool      `json:"-" bson:"reminded"` // the reminder before it went out
	Contest     *Contest  `json:"contest,omitempty" bson:"contest,omitempty"`
	Version     int       `json:"version" bson:"version"`
	CreatedAt   time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt" bson:"updatedAt"`
}

// EventRegistration is one person's registration for an event; its id is
// EventID + ":" + UserID, so registering twice stores nothing twice.
type EventRegistration struct {
	ID      string    `json:"-" bson:"_id"`
	EventID string    `json:"eventId" bson:"eventId"`
	UserID  string    `json:"-" bson:"userId"`
	At      time.Time `json:"at" bson:"at"`
}

// CalendarFeed is a person's secret calendar address: calendar apps
// cannot send a sign-in, so the token in the address is the credential.
// Its id is the user's id; a new token replaces the old one.
type CalendarFeed struct {
	UserID string    `json:"-" bson:"_id"`
	Token  string    `json:"token" bson:"token"`
	At     time.Time `json:"createdAt" bson:"at"`
}

// Contest stages: entries are taken while open; the host closes entries
// and the judges score (judging); publishing fixes the ranking, after
// which nothing is scored.
const (
	ContestOpen      = "open"
	ContestJudging   = "judging"
	ContestPublished = "published"
)

// MaxScore is the top of a criterion's score (0 to 10).
const MaxScore = 10

// Criterion is one line of a contest's score sheet, with its weight.
type Criterion struct {
	ID     string  `json:"id" bson:"id"`
	Name   string  `json:"name" bson:"name"`
	Weight float64 `json:"weight" bson:"weight"`
}

// Contest is the judging of an event of kind contest.
type Contest struct {
	Criteria []Criterion `json:"criteria" bson:"criteria"`
	Judges   []string    `json:"judges" bson:"judges"` // user ids: verified investors and mentors
	Winners  int         `json:"winners" bson:"winners"`
	Stage    string      `json:"stage" bson:"stage"`
	// Results is the ranking as published, fixed then.
	Results     []Placing  `json:"results,omitempty" bson:"results,omitempty"`
	PublishedAt *time.Time `json:"publishedAt,omitempty" bson:"publishedAt,omitempty"`
}

// ContestEntry is a startup entered in a contest by its founder; its id is
// EventID + ":" + StartupID.
type ContestEntry struct {
	ID        string    `json:"-" bson:"_id"`
	EventID   string    `json:"eventId" bson:"eventId"`
	StartupID string    `json:"startupId" bson:"startupId"`
	FounderID string    `json:"-" bson:"founderId"`
	At        time.Time `json:"at" bson:"at"`
}

// CriterionScore is one judge's score of one criterion.
type CriterionScore struct {
	Criterion string `json:"criterion" bson:"criterion"`
	Score     int    `json:"score" bson:"score"`
}

// ScoreSheet is one judge's sheet for one entry; its id is EventID + ":" +
// JudgeID + ":" + StartupID. A judge who declares a conflict keeps a sheet
// with Conflict set and no scores.
type ScoreSheet struct {
	ID        string           `json:"id" bson:"_id"`
	EventID   string           `json:"eventId" bson:"eventId"`
	JudgeID   string           `json:"judgeId" bson:"judgeId"`
	StartupID string           `json:"startupId" bson:"startupId"`
	Scores    []CriterionScore `json:"scores" bson:"scores"`
	Comment   string           `json:"comment" bson:"comment"`
	Conflict  bool             `json:"conflict" bson:"conflict"`
	At        time.Time        `json:"at" bson:"at"`
}

// Placing is one entry's place in a contest's ranking.
type Placing struct {
	StartupID   string  `json:"startupId" bson:"startupId"`
	StartupName string  `json:"startupName" bson:"startupName"`
	Rank        int     `json:"rank" bson:"rank"` // 0: not scored by any judge
	Score       float64 `json:"score" bson:"score"`
	Sheets      int     `json:"sheets" bson:"sheets"`
	Tied        bool    `json:"tied" bson:"tied"` // shares its rank with another entry
	Winner      bool    `json:"winner" bson:"winner"`
}

// SheetScore is a sheet's weighted mean, 0..10, over criteria; ok is false
// when the sheet does not score every criterion (or declares a conflict).
func SheetScore(criteria []Criterion, s *ScoreSheet) (float64, bool) {
	if s.Conflict {
		return 0, false
	}
	by := make(map[string]int, len(s.Scores))
	for _, c := range s.Scores {
		by[c.Criterion] = c.Score
	}
	var sum, weights float64
	for _, c := range criteria {
		v, ok := by[c.ID]
		if !ok {
			return 0, false
		}
		sum += c.Weight * float64(v)
		weights += c.Weight
	}
	if weights == 0 {
		return 0, false
	}
	return sum / weights, true
}

// RankEntries ranks a contest's entries: an entry's score is the mean of
// its judges' weighted means, rounded to two decimals; equal scores share
// a rank (1, 1, 3) and are marked tied; ranks up to winners win. Entries
// no judge scored come last, unranked. names gives the startups' names.
func RankEntries(c *Contest, entries []string, sheets []ScoreSheet, names map[string]string) []Placing {
	sums, counts := map[string]float64{}, map[string]int{}
	for i := range sheets {
		if v, ok := SheetScore(c.Criteria, &sheets[i]); ok {
			sums[sheets[i].StartupID] += v
			counts[sheets[i].StartupID]++
		}
	}
	out := make([]Placing, 0, len(entries))
	for _, id := range entries {
		p := Placing{StartupID: id, StartupName: names[id], Sheets: counts[id]}
		if p.Sheets > 0 {
			p.Score = math.Round(sums[id]/float64(p.Sheets)*100) / 100
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Sheets > 0) != (b.Sheets > 0) {
			return a.Sheets > 0
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.StartupName < b.StartupName
	})
	for i := range out {
		if out[i].Sheets == 0 {
			break
		}
		out[i].Rank = i + 1
		if i > 0 && out[i-1].Sheets > 0 && out[i-1].Score == out[i].Score {
			out[i].Rank = out[i-1].Rank
			out[i].Tied, out[i-1].Tied = true, true
		}
	}
	for i := range out {
		out[i].Winner = out[i].Rank > 0 && out[i].Rank <= c.Winners
	}
	return out
}

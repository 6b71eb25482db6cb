package realtime

import (
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

func (r *room) role(c *client) string {
	switch {
	case c.as.Host:
		return "host"
	case c.as.Presenter:
		return "presenter"
	case c.as.Investor:
		return "investor"
	case c.peer.UserID == "":
		return "guest"
	}
	return "viewer"
}

func presenceKey(c *client) string {
	if c.peer.UserID != "" {
		return c.peer.UserID
	}
	return "guest"
}

// join counts a new connection in and answers with its welcome. A client
// with nothing to catch up on joins the live stream at once; one that
// reconnects behind the room catches up on its own writer (catchUp) first.
func (r *room) join(j joinReq) {
	c := j.c
	r.conns++
	r.empty = time.Time{}
	r.present[presenceKey(c)]++
	r.names[presenceKey(c)] = c.peer.Name
	r.dirty = true
	if c.peer.UserID != "" {
		r.hub.attend(domain.Attendance{RoadshowID: r.id, UserID: c.peer.UserID, Name: c.peer.Name, Role: r.role(c)})
	}
	welcome := encode("welcome", r.lastSeq(), time.Now(), r.welcome(c))
	if j.since < 0 || j.since >= r.lastSeq() {
		r.fan.add(c, r.lastSeq())
		c.enqueue(welcome)
		j.reply <- joined{live: true}
		return
	}
	j.reply <- joined{welcome: welcome}
}

func (r *room) leave(c *client) {
	r.fan.remove(c)
	if r.conns--; r.conns == 0 {
		r.empty = time.Now()
	}
	k := presenceKey(c)
	if r.present[k]--; r.present[k] <= 0 {
		delete(r.present, k)
	}
	r.dirty = true
}

type welcomeData struct {
	Roadshow  roadshowInfo              `json:"roadshow"`
	Role      string                    `json:"role"`
	You       youInfo                   `json:"you"`
	Stage     *stageData                `json:"stage"`
	Questions []*roadshow.QuestionState `json:"questions"`
	Chat      []roadshow.ChatLine       `json:"chat"` // the latest, oldest first
	Presence  int                       `json:"presence"`
	Reactions map[string]int            `json:"reactions"`
	Ended     bool                      `json:"ended"`
}

type roadshowInfo struct {
	ID         string        `json:"id"`
	Title      string        `json:"title"`
	StreamURL  string        `json:"streamUrl"`
	Status     string        `json:"status"`
	StartsAt   time.Time     `json:"startsAt"`
	Slots      []domain.Slot `json:"slots"`
	Visibility string        `json:"visibility"`
}

type youInfo struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Muted  bool   `json:"muted"`
}

// welcome is the room as a new connection first sees it. The status is
// the log's: started with the first stage, ended with the end.
func (r *room) welcome(c *client) welcomeData {
	var st *stageData
	if r.st.Stage != nil {
		s := stageWire(*r.st.Stage)
		st = &s
	}
	return welcomeData{
		Roadshow: roadshowInfo{ID: r.rs.ID, Title: r.rs.Title, StreamURL: r.rs.StreamURL, Status: r.st.Lifecycle().Status(), StartsAt: r.rs.StartsAt,
			Slots: r.rs.Slots, Visibility: r.rs.Visibility},
		Role: r.role(c), You: youInfo{UserID: c.peer.UserID, Name: c.peer.Name, Muted: r.st.Muted[c.peer.UserID]},
		Stage: st, Questions: r.st.TopQuestions(welcomeQs), Chat: r.st.RecentChat(welcomeChat), Presence: r.conns,
		Reactions: r.st.Reactions, Ended: r.st.Ended,
	}
}

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
	OnStage   onStageData               `json:"onStage"`
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
		Stage: st, Questions: r.st.TopQuestions(welcomeQs), Chat: r.st.RecentChat(welcomeChat), Presence: r.presenceCount(),
		Reactions: r.st.Reactions, Ended: r.st.Ended, OnStage: r.onStage(),
	}
}

// flush sends aggregated reactions and presence, at most once a tick.
// With several instances each counts its own connections and tells the
// others (InstancePresence); everyone's frames show the sum.
func (r *room) flush() {
	now := time.Now()
	if len(r.reactions) > 0 {
		r.publish(Delivery{To: Audience{All: true}, Frame: encode("reaction", r.lastSeq(), now,
			reactionData{Delta: r.reactions, Totals: r.st.Reactions})})
		r.reactions = map[string]int{}
	}
	if r.cl.expireOthers(now) {
		r.dirty = true
	}
	mine := r.localWho()
	r.cl.tellPresence(r, now, r.dirty, InstancePresence{Count: r.conns, Guests: r.present["guest"], Who: mine})
	if !r.dirty {
		return
	}
	r.dirty = false
	count := r.presenceCount()
	r.hub.broker.Publish(r.id, Delivery{To: Audience{All: true}, Frame: encode("presence", r.lastSeq(), now, presenceData{Count: count})})
	guests, who := r.present["guest"], mine
	for _, o := range r.cl.others {
		guests += o.p.Guests
		who = mergeWho(who, o.p.Who)
	}
	if len(who) <= maxWho { // the host's list of who is here; beyond that, the count says it
		r.hub.broker.Publish(r.id, Delivery{To: Audience{Hosts: true}, Frame: encode("presence", r.lastSeq(), now,
			presenceData{Count: count, Guests: &guests, Who: who})})
	}
}

// maxWho bounds the host's list of who is here.
const maxWho = 2000

// localWho lists the signed-in people connected to this instance, or nil
// beyond maxWho.
func (r *room) localWho() []presentData {
	var who []presentData
	for k, n := range r.present {
		if k != "guest" {
			who = append(who, presentData{UserID: k, Name: r.names[k], Connections: n})
		}
	}
	if len(who) > maxWho {
		return nil
	}
	return who
}

// presenceCount is how many connections the room has on every instance.
func (r *room) presenceCount() int {
	n := r.conns
	for _, o := range r.cl.others {
		n += o.p.Count
	}
	return n
}

// mergeWho adds more to who, one entry per person.
func mergeWho(who, more []presentData) []presentData {
	if len(more) == 0 {
		return who
	}
	at := make(map[string]int, len(who))
	out := append([]presentData{}, who...)
	for i, p := range out {
		at[p.UserID] = i
	}
	for _, p := range more {
		if i, ok := at[p.UserID]; ok {
			out[i].Connections += p.Connections
			continue
		}
		at[p.UserID] = len(out)
		out = append(out, p)
	}
	return out
}

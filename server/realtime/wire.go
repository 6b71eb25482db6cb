package realtime

import (
	"encoding/json"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// The data of the room's frames (docs/REALTIME.md).
type (
	chatData struct {
		ID       int64  `json:"id"`
		UserID   string `json:"userId,omitempty"`
		UserName string `json:"userName,omitempty"`
		Text     string `json:"text,omitempty"`
		Hidden   bool   `json:"hidden,omitempty"`
	}
	stageData struct {
		Slot        int    `json:"slot"`
		Page        int    `json:"page"`
		StartupID   string `json:"startupId"`
		StartupName string `json:"startupName"`
		Deadline    int64  `json:"deadline"` // Unix ms: clients count down without parsing dates
	}
	interestData struct {
		StartupID string `json:"startupId"`
		UserID    string `json:"userId"`
		UserName  string `json:"userName"`
	}
	userData struct {
		UserID string `json:"userId"`
	}
	handData struct {
		UserID   string `json:"userId"`
		UserName string `json:"userName"`
	}
	ackData struct {
		Ref string `json:"ref"`
		Seq int64  `json:"seq"`
	}
	reactionData struct {
		Delta  map[string]int `json:"delta"`
		Totals map[string]int `json:"totals"`
	}
	presenceData struct {
		Count  int           `json:"count"`
		Guests *int          `json:"guests,omitempty"`
		Who    []presentData `json:"who,omitempty"`
	}
	presentData struct {
		UserID      string `json:"userId"`
		Name        string `json:"name"`
		Connections int    `json:"connections"`
	}
	emptyData struct{}
)

func stageWire(s roadshow.Stage) stageData {
	return stageData{Slot: s.Slot, Page: s.Page, StartupID: s.StartupID, StartupName: s.StartupName, Deadline: s.Deadline.UnixMilli()}
}

// frame turns a stored event, just folded into the state, into the frame
// its receivers see, and says who they are.
func (r *room) frame(l roadshow.Logged) (Audience, []byte) {
	all := Audience{All: true}
	question := func(id int64) (Audience, []byte) {
		if q := r.st.Question(id); q != nil {
			return all, encode("question", l.Seq, l.At, q)
		}
		return Audience{}, nil
	}
	switch e := l.Event.(type) {
	case roadshow.Chat:
		return all, encode("chat", l.Seq, l.At, chatData{ID: l.Seq, UserID: l.UserID, UserName: l.UserName, Text: e.Text})
	case roadshow.Question:
		return question(l.Seq)
	case roadshow.Vote:
		return question(e.QuestionID)
	case roadshow.Answer:
		return question(e.QuestionID)
	case roadshow.Hide:
		if r.st.Question(e.MessageID) != nil {
			return question(e.MessageID)
		}
		return all, encode("chat", l.Seq, l.At, chatData{ID: e.MessageID, Hidden: true})
	case roadshow.Mute:
		return Audience{Hosts: true, Users: []string{e.UserID}}, encode("user.muted", l.Seq, l.At, userData{UserID: e.UserID})
	case roadshow.Stage:
		return all, encode("stage", l.Seq, l.At, stageWire(e))
	case roadshow.Interest:
		return Audience{Hosts: true, Users: roadshow.Founders(r.rs, e.StartupID)}, encode("interest", l.Seq, l.At,
			interestData{StartupID: e.StartupID, UserID: l.UserID, UserName: l.UserName})
	case roadshow.Ended:
		return all, encode("ended", l.Seq, l.At, emptyData{})
	case roadshow.Speaker, roadshow.OffStage, roadshow.Media:
		return all, r.stageFrame(l)
	}
	return Audience{}, nil
}

// commandData is every field a client command's data may have.
type commandData struct {
	Text      string `json:"text"`
	ID        int64  `json:"id"`
	Emoji     string `json:"emoji"`
	StartupID string `json:"startupId"`
	Slot      *int   `json:"slot"`
	Page      *int   `json:"page"`
	UserID    string `json:"userId"`
	Audio     *bool  `json:"audio"`
	Video     *bool  `json:"video"`
}

// commands are the message types a client may send, as roadshow commands.
var commands = map[string]func(d commandData) roadshow.Command{
	"chat.send":       func(d commandData) roadshow.Command { return roadshow.SendChat{Text: d.Text} },
	"question.ask":    func(d commandData) roadshow.Command { return roadshow.AskQuestion{Text: d.Text} },
	"question.upvote": func(d commandData) roadshow.Command { return roadshow.Upvote{ID: d.ID} },
	"question.answer": func(d commandData) roadshow.Command { return roadshow.MarkAnswered{ID: d.ID} },
	"message.hide":    func(d commandData) roadshow.Command { return roadshow.HideMessage{ID: d.ID} },
	"user.mute":       func(d commandData) roadshow.Command { return roadshow.MuteUser{UserID: d.UserID} },
	"reaction":        func(d commandData) roadshow.Command { return roadshow.React{Emoji: d.Emoji} },
	"hand.raise":      func(commandData) roadshow.Command { return roadshow.RaiseHand{} },
	"interest":        func(d commandData) roadshow.Command { return roadshow.SignalInterest{StartupID: d.StartupID} },
	"stage.set":       func(d commandData) roadshow.Command { return roadshow.SetStage{Slot: d.Slot, Page: d.Page} },
	"stage.invite":    func(d commandData) roadshow.Command { return roadshow.InviteSpeaker{UserID: d.UserID} },
	"stage.remove":    func(d commandData) roadshow.Command { return roadshow.RemoveFromStage{UserID: d.UserID} },
	"stage.media": func(d commandData) roadshow.Command {
		return roadshow.SetMedia{UserID: d.UserID, Audio: d.Audio, Video: d.Video}
	},
}

// parseCommand reads a client frame as a command.
func parseCommand(in Inbound) (roadshow.Command, *domain.Error) {
	mk := commands[in.Type]
	if mk == nil {
		return nil, &domain.Error{Kind: domain.KindInvalid, Code: ErrUnknownType, Detail: "unknown message type: " + clip(in.Type)}
	}
	var d commandData
	if len(in.Data) > 0 && string(in.Data) != "null" {
		if err := json.Unmarshal(in.Data, &d); err != nil {
			return nil, &domain.Error{Kind: domain.KindInvalid, Code: ErrBadFrame, Detail: "malformed data"}
		}
	}
	return mk(d), nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}

func errorFrame(seq int64, code, detail, ref string) []byte {
	return encode("error", seq, time.Now(), errorData{Code: code, Detail: detail, Ref: ref})
}

// answer tells a message's sender its outcome: an ack or a refusal on its
// connection, or the forwarded outcome for the instance that sent it.
func (r *room) answer(o outcome, refusal *domain.Error) {
	switch {
	case o.out != nil:
		*o.out = ForwardOutcome{Seq: o.seq, Refusal: refusal}
	case refusal != nil:
		r.reject(o.c, o.ref, refusal)
	default:
		r.ack(o.c, o.ref, o.seq)
	}
}

// commandOf parses a message into a command; limited says whether the
// sender's rate applies (not to the host's lifecycle over REST).
func (r *room) commandOf(in inbound) (roadshow.Command, *domain.Error, bool) {
	if in.fwd != nil && in.fwd.Lifecycle != "" {
		if cmd, ok := lifecycleCommands[in.fwd.Lifecycle]; ok {
			return cmd, nil, false
		}
		return nil, &domain.Error{Kind: domain.KindInvalid, Code: ErrUnknownType, Detail: "unknown command"}, false
	}
	cmd, bad := parseCommand(in.msg)
	return cmd, bad, true
}

// sender is who sent a message, as this room's rules know them: a local
// connection as admitted, a forwarded one by this room's agenda.
func (r *room) sender(in inbound) roadshow.Peer {
	if in.c != nil {
		return in.c.as
	}
	return peerOf(r.rs, in.fwd.Peer)
}

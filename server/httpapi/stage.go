package httpapi

import (
	"fmt"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/stage"
)

// The stage's live video (server/stage, docs/REALTIME.md "The stage"):
// WHIP-style publishing and WHEP-style watching, one SDP offer and answer
// over HTTP each. Both are let in by the room's entry rule (Hub.Admit), with
// a single-use ticket as for the room's websocket (?ticket=), or with the
// Authorization header (OBS and other WHIP clients send a Bearer token).

var (
	errNoStage = domain.CodedError(domain.KindUnavailable, "stage_unavailable", "live video is not available on this server")
	errNotSDP  = domain.CodedError(domain.KindInvalid, "bad_offer", "the body must be an SDP offer (Content-Type application/sdp)")
)

// stageAdmission is who asks, admitted to roadshow id's room.
func (s *Server) stageAdmission(c *fiber.Ctx, id string) (*realtime.Admission, error) {
	if s.svc.Stage == nil {
		return nil, errNoStage
	}
	var p realtime.Peer
	if tok := c.Query("ticket"); tok != "" {
		var ok bool
		if p, ok = s.svc.Tickets.Redeem(tok); !ok {
			return nil, domain.CodedError(domain.KindUnauthorized, "invalid_ticket", "ticket invalid or expired, get a new one")
		}
	} else if a := actor(c); !a.Anonymous() {
		u, err := s.svc.Accounts.Me(c.UserContext(), a)
		if err != nil {
			return nil, err
		}
		p = realtime.Peer{UserID: a.UserID, Name: u.Name, Role: a.Role}
	}
	return s.svc.Hub.Admit(c.UserContext(), p, id)
}

// offerBody is the SDP offer of a WHIP or WHEP request.
func offerBody(c *fiber.Ctx) (string, error) {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "application/sdp" {
		return "", errNotSDP
	}
	sdp := string(c.Body())
	if !strings.HasPrefix(sdp, "v=0") {
		return "", errNotSDP
	}
	return sdp, nil
}

// answerSDP sends a WHIP/WHEP answer: 201, the session's address to DELETE,
// and the ICE servers as Link headers (RFC 9725).
func (s *Server) answerSDP(c *fiber.Ctx, id, answer, session string) error {
	c.Set(fiber.HeaderLocation, fmt.Sprintf("/api/v1/roadshows/%s/stage/sessions/%s", id, session))
	for _, ice := range s.svc.Stage.ICEServers() {
		for _, u := range ice.URLs {
			link := fmt.Sprintf("<%s>; rel=\"ice-server\"", u)
			if ice.Username != "" {
				link += fmt.Sprintf("; username=%q; credential=%q; credential-type=\"password\"", ice.Username, fmt.Sprint(ice.Credential))
			}
			c.Append(fiber.HeaderLink, link)
		}
	}
	c.Set(fiber.HeaderContentType, "application/sdp")
	return c.Status(fiber.StatusCreated).SendString(answer)
}

// stagePublish is POST /roadshows/:id/stage/publish (WHIP): the host, the
// presenter on stage or a speaker the host brought up sends their camera
// and microphone.
func (s *Server) stagePublish(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	offer, err := offerBody(c)
	if err != nil {
		return err
	}
	adm, err := s.stageAdmission(c, id)
	if err != nil {
		return err
	}
	rules, err := s.svc.Hub.StageRules(c.UserContext(), id)
	if err != nil {
		return err
	}
	answer, session, err := s.svc.Stage.Publish(c.UserContext(), id, adm.As, rules, offer)
	if err != nil {
		return err
	}
	return s.answerSDP(c, id, answer, session)
}

// stageWatch is POST /roadshows/:id/stage/watch/:userId (WHEP): anyone the
// room admits receives what that person publishes on its stage.
func (s *Server) stageWatch(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	publisher, err := idParam(c, "userId")
	if err != nil {
		return err
	}
	offer, err := offerBody(c)
	if err != nil {
		return err
	}
	adm, err := s.stageAdmission(c, id)
	if err != nil {
		return err
	}
	answer, session, err := s.svc.Stage.Watch(c.UserContext(), id, publisher, adm.As, offer)
	if err != nil {
		return err
	}
	return s.answerSDP(c, id, answer, session)
}

// stageHangup is DELETE /roadshows/:id/stage/sessions/:session: the
// session's address, which only its holder knows, ends it.
func (s *Server) stageHangup(c *fiber.Ctx) error {
	if s.svc.Stage == nil {
		return errNoStage
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Stage.Hangup(id, c.Params("session")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// iceServers is GET /stage/ice-servers: what browsers configure their
// connections with (ICE_SERVERS).
func (s *Server) iceServers(c *fiber.Ctx) error {
	out := ICEServers{ICEServers: []ICEServer{}}
	if s.svc.Stage != nil {
		for _, ice := range s.svc.Stage.ICEServers() {
			cred, _ := ice.Credential.(string)
			out.ICEServers = append(out.ICEServers, ICEServer{URLs: ice.URLs, Username: ice.Username, Credential: cred})
		}
	}
	return c.JSON(out)
}

// recordWithStage is a roadshow's record with its stage's recordings.
type recordWithStage struct {
	*app.Record
	Recordings []stage.Recording `json:"recordings"`
}

// recordings lists roadshow id's stage recordings; the caller has checked
// that the asker may read its record.
func (s *Server) recordings(id string) ([]stage.Recording, error) {
	if s.svc.Stage == nil {
		return []stage.Recording{}, nil
	}
	return s.svc.Stage.Recordings(id)
}

// stageRecording is GET /roadshows/:id/recordings/:file: one recording, to
// those who may read the roadshow's record.
func (s *Server) stageRecording(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.Roadshows.Record(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	if s.svc.Stage == nil {
		return stage.ErrNoRecording
	}
	f, rec, err := s.svc.Stage.OpenRecording(id, c.Params("file"))
	if err != nil {
		return err
	}
	ct := map[string]string{"ivf": "video/x-ivf", "h264": "video/h264", "ogg": "audio/ogg"}[rec.Format]
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", rec.File))
	return c.SendStream(f)
}

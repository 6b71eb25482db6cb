package httpapi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/realtime"
)

// ticket issues a single-use websocket ticket. Signed-out callers get a
// guest ticket, good for public rooms only.
func (s *Server) ticket(c *fiber.Ctx) error {
	if !s.tickets.allow(s.clientIP(c)) {
		return errTooManyTickets
	}
	a := actor(c)
	p := realtime.Peer{UserID: a.UserID, Role: a.Role}
	if !a.Anonymous() {
		u, err := s.svc.Accounts.Me(c.UserContext(), a)
		if err != nil {
			return err
		}
		p.Name = u.Name
	}
	tok, exp := s.svc.Tickets.Issue(p)
	return c.JSON(Ticket{Ticket: tok, ExpiresAt: exp.UTC()})
}

// roadshowSocket upgrades GET /ws/roadshows/:id to a websocket. Fiber runs
// on fasthttp, gorilla's Upgrader on net/http: the handler checks the
// request as usual (so refusals are ordinary JSON errors), then asks
// fasthttp to hand over the raw connection and gives gorilla a
// ResponseWriter that can hijack it.
func (s *Server) roadshowSocket(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := requireWebsocket(c); err != nil {
		return err
	}
	since := int64(-1)
	if v := c.Query("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return domain.FieldInvalid("since", "out_of_range", "must be a non-negative integer")
		}
		since = n
	}
	peer, ok := s.svc.Tickets.Redeem(c.Query("ticket"))
	if !ok {
		return domain.CodedError(domain.KindUnauthorized, "invalid_ticket", "ticket invalid or expired, get a new one")
	}
	adm, err := s.svc.Hub.Admit(c.UserContext(), peer, id)
	if err != nil {
		return err
	}
	return s.hijack(c, func(w http.ResponseWriter, r *http.Request) { s.svc.Hub.Accept(w, r, adm, since) })
}

func requireWebsocket(c *fiber.Ctx) error {
	if !strings.EqualFold(c.Get(fiber.HeaderUpgrade), "websocket") {
		return domain.CodedError(domain.KindInvalid, "websocket_required", "this address takes websocket connections only")
	}
	return nil
}

// hijack hands the connection of a checked upgrade request to accept, which
// serves it (gorilla upgrades through the hijacker) on fasthttp's goroutine.
// The socket counts against its address's limit until accept returns.
func (s *Server) hijack(c *fiber.Ctx, accept func(w http.ResponseWriter, r *http.Request)) error {
	req, err := httpRequest(c)
	if err != nil {
		return err
	}
	release, ok := s.sockets.open(s.clientIP(c))
	if !ok {
		return errTooManySockets
	}
	c.Context().HijackSetNoResponse(true)
	c.Context().Hijack(func(conn net.Conn) {
		defer release()
		if u, ok := conn.(interface{ UnsafeConn() net.Conn }); ok {
			conn = rawClose{Conn: conn, raw: u.UnsafeConn()}
		}
		r := req
		req = nil // do not keep the request alive for the connection's life
		accept(&hijacker{conn: conn, header: http.Header{}}, r)
	})
	return nil
}

// rawClose reads and writes through fasthttp's hijacked connection and
// closes the socket under it. fasthttp's own Close does nothing while the
// handler runs (it closes the socket after the handler returns), but a
// client dropped for falling behind must be gone at once: its reader then
// fails, the handler returns, and nothing waits for a deadline.
type rawClose struct {
	net.Conn
	raw net.Conn
}

func (c rawClose) Close() error { return c.raw.Close() }

// httpRequest rebuilds the net/http request gorilla needs from Fiber's.
func httpRequest(c *fiber.Ctx) (*http.Request, error) {
	req, err := http.NewRequestWithContext(context.Background(), c.Method(), c.OriginalURL(), nil)
	if err != nil {
		return nil, domain.CodedError(domain.KindInvalid, "bad_request", "bad request URL")
	}
	req.Host = string(c.Request().Host())
	c.Request().Header.VisitAll(func(k, v []byte) { req.Header.Add(string(k), string(v)) })
	return req, nil
}

// hijacker is the http.ResponseWriter gorilla writes to: the raw
// connection fasthttp handed over. Before the upgrade it can write a plain
// error response; Hijack gives gorilla the connection itself.
type hijacker struct {
	conn   net.Conn
	header http.Header
	status int
}

func (h *hijacker) Header() http.Header { return h.header }

func (h *hijacker) WriteHeader(status int) { h.status = status }

func (h *hijacker) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	_, err := fmt.Fprintf(h.conn, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		h.status, http.StatusText(h.status), len(b))
	if err != nil {
		return 0, err
	}
	return h.conn.Write(b)
}

// Hijack hands over the connection. The buffers are tiny on purpose: gorilla
// brings its own, and every byte here is multiplied by the viewers.
func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h.conn == nil {
		return nil, nil, errors.New("connection already hijacked")
	}
	c := h.conn
	h.conn = nil
	return c, bufio.NewReadWriter(bufio.NewReaderSize(c, 16), bufio.NewWriterSize(c, 16)), nil
}

package httpapi

import (
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// journeyOperations are the routes of the journeys (issue 15): guests of
// invitation-only roadshows, verification with evidence, password resets,
// onboarding, investor activity, the registry's columns and the agenda
// picker's cards. See operations.
var journeyOperations = []operation{
	{
		Method: "POST", Path: "/api/v1/auth/password-reset",
		Summary: "Ask for a password reset link. 202 whether or not the address has an account; delivery says email (sent if it has one) or admin (no mail sender here: ask an admin for a link)",
		Tags:    []string{"auth"},
		Body:    EmailInput{},
		Status:  202,
		Result:  app.ResetRequest{},
	},
	{
		Method: "POST", Path: "/api/v1/auth/password-reset/confirm",
		Summary: "Set a new password with a reset link's token (single use; 30 minutes by mail, 24 hours from an admin). Ends every session, signs in here. Errors reset_link_invalid, reset_link_expired, or the password policy's field codes",
		Tags:    []string{"auth"},
		Body:    app.ResetInput{},
		Result:  app.Session{},
	},
	{
		Method: "POST", Path: "/api/v1/admin/password-reset-links",
		Summary: "Admin: a one-time reset link (the web app's path with the token) for the account with email, valid 24 hours",
		Tags:    []string{"admin"},
		Auth:    true,
		Body:    EmailInput{},
		Status:  201,
		Result:  app.AdminLink{},
	},
	{
		Method: "GET", Path: "/api/v1/me/onboarding",
		Summary: "The caller's next steps and profile completeness: a founder's about one startup (startupId, else the latest), an investor's about their profile; none for managers and admins",
		Tags:    []string{"auth"},
		Auth:    true,
		Query:   []param{{Name: "startupId", Type: "string", Desc: "a startup of the caller's; the latest when absent"}},
		Result:  app.Checklist{},
	},
	{
		Method: "GET", Path: "/api/v1/investors/{id}/activity",
		Summary: "The investor's activity on the platform: public roadshows attended (all, to the investor and admins), and the published startups they are interested in if they consent (publicInterest) or the caller is the investor",
		Tags:    []string{"investors"},
		Result:  app.InvestorActivity{},
	},
	{
		Method: "GET", Path: "/api/v1/me/guest-invitations",
		Summary: "The caller's invitations to attend roadshows that have not ended, with their answers",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Result:  Items[app.GuestInvitation]{},
	},
	{
		Method: "GET", Path: "/api/v1/roadshows/{id}/guests",
		Summary: "The roadshow's guest list with each guest's answer (host only)",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Result:  app.GuestList{},
	},
	{
		Method: "POST", Path: "/api/v1/roadshows/{id}/guests",
		Summary: "Invite people by user id or by their account's email address (host only); each new guest is notified (roadshow.guest). Unknown emails are field errors with code no_account",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Body:    app.GuestInput{},
		Result:  app.GuestList{},
	},
	{
		Method: "GET", Path: "/api/v1/roadshows/{id}/guests/search",
		Summary: "People the host may invite: investors by name or organisation, any account by exact email; at most 10, each with their answer if invited",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Query:   []param{{Name: "q", Type: "string", Desc: "a name, organisation or email, 1 to 60 characters", Required: true}},
		Result:  app.GuestList{},
	},
	{
		Method: "POST", Path: "/api/v1/roadshows/{id}/guests/me/accept",
		Summary: "The invited caller accepts: they are registered and may enter (an invitation-only room admits accepted guests)",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Result:  app.RoadshowView{},
	},
	{
		Method: "POST", Path: "/api/v1/roadshows/{id}/guests/me/decline",
		Summary: "The invited caller declines (their registration is withdrawn); the answer may change until the roadshow ends",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Result:  app.RoadshowView{},
	},
	{
		Method: "DELETE", Path: "/api/v1/roadshows/{id}/guests/{userId}",
		Summary: "Remove a guest and their answer (host only)",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Result:  app.GuestList{},
	},
	{
		Method: "GET", Path: "/api/v1/agenda-cards",
		Summary: "For a host's agenda picker (managers, admins): published startups by id (at most 20) with district, founder and space, so that two with one name are told apart",
		Tags:    []string{"roadshows"},
		Auth:    true,
		Query:   []param{{Name: "ids", Type: "string", Desc: "startup ids, comma-separated", Required: true}},
		Result:  Items[app.AgendaCard]{},
	},
	{
		Method: "GET", Path: "/api/v1/verifications",
		Summary: "Admin: every unverified investor and space with its evidence, submitted requests first",
		Tags:    []string{"admin"},
		Auth:    true,
		Result:  Items[app.QueueItem]{},
	},
	{
		Method: "GET", Path: "/api/v1/verifications/{kind}/{id}",
		Summary: "The profile's verification as its owner or an admin sees it (status, evidence, the reason of a rejection); kind is investor or space",
		Tags:    []string{"admin"},
		Auth:    true,
		Result:  domain.VerificationRequest{},
	},
	{
		Method: "POST", Path: "/api/v1/verifications/{kind}/{id}",
		Summary: "The owner (re)submits evidence; the request waits for an admin (already_verified if verified)",
		Tags:    []string{"admin"},
		Auth:    true,
		Body:    domain.Evidence{},
		Result:  domain.VerificationRequest{},
	},
	{
		Method: "POST", Path: "/api/v1/verifications/{kind}/{id}/approve",
		Summary: "Admin: verify the profile; its owner is notified (verification.decided)",
		Tags:    []string{"admin"},
		Auth:    true,
		Result:  domain.VerificationRequest{},
	},
	{
		Method: "POST", Path: "/api/v1/verifications/{kind}/{id}/reject",
		Summary: "Admin: reject with a reason (and a note); its owner is notified with both (verification.decided)",
		Tags:    []string{"admin"},
		Auth:    true,
		Body:    app.Decision{},
		Result:  domain.VerificationRequest{},
	},
	{
		Method: "GET", Path: "/api/v1/registry/columns",
		Summary: "The columns the registry import reads (template heading, other headings read, required, an example) and the values coded columns accept: names, synonyms and the taxonomy file's aliases (柯桥, 天使)",
		Tags:    []string{"spaces"},
		Result:  RegistryColumns{},
	},
	{
		Method: "GET", Path: "/api/v1/registry/template.csv",
		Summary:     "The registry sheet to fill in (CSV): the headings the import reads and an example row",
		Tags:        []string{"spaces"},
		ResultMedia: []string{"text/csv"},
	},
	{
		Method: "GET", Path: "/api/v1/registry/template.xlsx",
		Summary:     "The registry sheet to fill in (XLSX): the headings the import reads and an example row",
		Tags:        []string{"spaces"},
		ResultMedia: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	},
}

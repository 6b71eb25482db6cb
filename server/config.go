package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names resolve in images without /usr/share/zoneinfo

	"github.com/pion/stun/v4"
	"github.com/pion/webrtc/v4"
	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/mail"
)

// Config is the process configuration, read once from the environment.
// The names are fixed by the public contract (../shared/API-CONTRACT.md).
type Config struct {
	ListenAddr    string // LISTEN_ADDR
	DataDir       string // DATA_DIR
	MongoURI      string // MONGODB_URI; empty: embedded FerretDB under DataDir
	MongoDB       string // MONGODB_DB
	MeiliURL      string // MEILI_URL; empty: embedded search under DataDir
	MeiliKey      string // MEILI_API_KEY
	AdminEmail    string // ADMIN_EMAIL
	AdminPassword string // ADMIN_PASSWORD
	IPHelpEmail   string // IP_HELP_EMAIL: the account of the city's IP assistance contact, who receives IP-help requests; empty: none
	SeedDemo      bool   // SEED_DEMO: load the demo set into an empty database; default false, so a bare start is empty and safe
	JWTSecret     string // JWT_SECRET; empty: a key generated once and kept in DataDir
	TaxonomyFile  string // TAXONOMY_FILE; empty: the embedded Shaoxing taxonomy
	TargetsFile   string // TARGETS_FILE; empty: the Shaoxing action plan's targets
	LogLevel      string // LOG_LEVEL: debug, info, warn, error
	LogFormat     string // LOG_FORMAT: json or text
	LoginLimit    int    // LOGIN_RATE_LIMIT: sign-in and sign-up attempts per minute per client address
	// HashProcs is HASH_PROCS: the child processes that hash passwords, so
	// the hashes at once (server/auth/kdfproc); default 0, as many as
	// cores (GOMAXPROCS), a hash holding a core throughout.
	HashProcs   int
	TimeZone    *time.Location // TIMEZONE: the city's clock, for daily figures; default Asia/Shanghai
	BackupDir   string         // BACKUP_DIR: where scheduled backups go; empty: no scheduled backups
	BackupEvery time.Duration  // BACKUP_EVERY: time between scheduled backups; default 24h
	BackupKeep  int            // BACKUP_KEEP: scheduled archives kept; default 7
	// AccountLimit is LOGIN_ACCOUNT_LIMIT: failed sign-ins per account per
	// 15 minutes, from any addresses; default 10.
	AccountLimit int
	// TrustedProxies is TRUSTED_PROXIES: reverse proxies (addresses or CIDR
	// prefixes) whose X-Forwarded-For is believed; default none.
	TrustedProxies []netip.Prefix
	// CrashAfter is no setting: run takes it from YC_TEST_CRASH_AFTER,
	// which only the crash tests set. It names a change kind, or
	// a demo load step as demo:<step>: the process kills itself right after
	// the first such write is stored, before anything follows it, so that
	// tests can check nothing is lost and nothing is left half done.
	CrashAfter string
	// Per client address (0: no limit): open connections (CONNS_PER_ADDRESS, default 256; set 0
	// behind a reverse proxy, which is then the only address), open websockets (WS_PER_ADDRESS,
	// default 100) and websocket tickets a minute (TICKETS_PER_MINUTE, default 60).
	ConnsPerAddress   int
	SocketsPerAddress int
	TicketsPerMinute  int
	// NatsURL is NATS_URL: a NATS server (with JetStream) through which
	// several instances share rooms, tickets and live notifications; empty:
	// one process serves them alone. Instances sharing it must share the
	// database and JWT_SECRET too.
	NatsURL string
	// SMTPURL is SMTP_URL: the mail server for password reset links,
	// smtp://[user:password@]host[:port]?from=address; empty: no mail, and
	// admins issue one-time reset links by hand. Mail is its parsed form.
	SMTPURL string
	Mail    *mail.Sender
	// PublicURL is PUBLIC_URL: the web app's address as users reach it,
	// for the links mailed; default http://localhost plus LISTEN_ADDR's port.
	PublicURL string
	// ICEServers is ICE_SERVERS: the STUN/TURN servers the stage's live
	// video uses across NATs (docs/REALTIME.md, "The stage"); none on one
	// network. A comma-separated list of stun:/turn: URLs, or a JSON array
	// of {urls, username, credential} for TURN with credentials.
	ICEServers []webrtc.ICEServer
}

// ConfigFromEnv reads the configuration from getenv.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		ListenAddr:    get("LISTEN_ADDR", ":8080"),
		DataDir:       get("DATA_DIR", "./data"),
		NatsURL:       get("NATS_URL", ""),
		MongoURI:      get("MONGODB_URI", ""),
		MongoDB:       get("MONGODB_DB", "yuechuang"),
		MeiliURL:      get("MEILI_URL", ""),
		MeiliKey:      get("MEILI_API_KEY", ""),
		AdminEmail:    get("ADMIN_EMAIL", ""),
		IPHelpEmail:   get("IP_HELP_EMAIL", ""),
		AdminPassword: getenv("ADMIN_PASSWORD"),
		JWTSecret:     getenv("JWT_SECRET"),
		TaxonomyFile:  get("TAXONOMY_FILE", ""),
		TargetsFile:   get("TARGETS_FILE", ""),
		LogLevel:      get("LOG_LEVEL", "info"),
		LogFormat:     get("LOG_FORMAT", "text"),
		BackupDir:     get("BACKUP_DIR", ""),
		SMTPURL:       get("SMTP_URL", ""),
		PublicURL:     get("PUBLIC_URL", ""),
	}
	if c.SMTPURL != "" {
		m, err := mail.Parse(c.SMTPURL)
		if err != nil {
			return c, err
		}
		c.Mail = m
	}
	if c.PublicURL == "" {
		_, port, _ := net.SplitHostPort(c.ListenAddr)
		c.PublicURL = "http://localhost:" + cmp.Or(port, "8080")
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("PUBLIC_URL must be an http(s) address such as https://yuechuang.example.cn, got %q", c.PublicURL)
	}
	every, err := time.ParseDuration(get("BACKUP_EVERY", "24h"))
	if err != nil || every < time.Minute {
		return c, fmt.Errorf("BACKUP_EVERY must be a duration of at least 1m such as 6h or 24h, got %q", getenv("BACKUP_EVERY"))
	}
	c.BackupEvery = every
	keep, err := strconv.Atoi(get("BACKUP_KEEP", "7"))
	if err != nil || keep < 1 {
		return c, fmt.Errorf("BACKUP_KEEP must be a positive integer, got %q", getenv("BACKUP_KEEP"))
	}
	c.BackupKeep = keep
	limit, err := strconv.Atoi(get("LOGIN_RATE_LIMIT", "10"))
	if err != nil || limit < 1 {
		return c, fmt.Errorf("LOGIN_RATE_LIMIT must be a positive integer, got %q", getenv("LOGIN_RATE_LIMIT"))
	}
	c.LoginLimit = limit
	if c.HashProcs, err = strconv.Atoi(get("HASH_PROCS", "0")); err != nil || c.HashProcs < 0 {
		return c, fmt.Errorf("HASH_PROCS must be a whole number, 0 for as many as cores, got %q", getenv("HASH_PROCS"))
	}
	if c.AccountLimit, err = strconv.Atoi(get("LOGIN_ACCOUNT_LIMIT", "10")); err != nil || c.AccountLimit < 1 {
		return c, fmt.Errorf("LOGIN_ACCOUNT_LIMIT must be a positive integer, got %q", getenv("LOGIN_ACCOUNT_LIMIT"))
	}
	if c.TrustedProxies, err = httpapi.ParseTrustedProxies(getenv("TRUSTED_PROXIES")); err != nil {
		return c, fmt.Errorf("TRUSTED_PROXIES must list addresses or CIDR prefixes such as 10.0.0.0/8, got %q", getenv("TRUSTED_PROXIES"))
	}
	for _, l := range []struct {
		env, def string
		to       *int
	}{{"CONNS_PER_ADDRESS", "256", &c.ConnsPerAddress}, {"WS_PER_ADDRESS", "100", &c.SocketsPerAddress}, {"TICKETS_PER_MINUTE", "60", &c.TicketsPerMinute}} {
		n, err := strconv.Atoi(get(l.env, l.def))
		if err != nil || n < 0 {
			return c, fmt.Errorf("%s must be a whole number, 0 for no limit, got %q", l.env, getenv(l.env))
		}
		*l.to = n
	}
	if c.ICEServers, err = parseICEServers(getenv("ICE_SERVERS")); err != nil {
		return c, err
	}
	tz, err := time.LoadLocation(get("TIMEZONE", "Asia/Shanghai"))
	if err != nil {
		return c, fmt.Errorf("TIMEZONE must be an IANA zone name such as Asia/Shanghai, got %q", getenv("TIMEZONE"))
	}
	c.TimeZone = tz
	seed, err := strconv.ParseBool(get("SEED_DEMO", "false"))
	if err != nil {
		return c, fmt.Errorf("SEED_DEMO must be true or false, got %q", getenv("SEED_DEMO"))
	}
	c.SeedDemo = seed
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return c, fmt.Errorf("set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither")
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		return c, fmt.Errorf("JWT_SECRET must be at least 32 characters")
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return c, fmt.Errorf("LOG_FORMAT must be json or text")
	}
	return c, nil
}

// parseICEServers reads ICE_SERVERS: "stun:a:3478,turn:b:3478" or
// [{"urls": ["turn:b:3478"], "username": "u", "credential": "p"}].
func parseICEServers(v string) ([]webrtc.ICEServer, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	var out []webrtc.ICEServer
	if strings.HasPrefix(v, "[") {
		var in []struct {
			URLs       any    `json:"urls"`
			Username   string `json:"username"`
			Credential string `json:"credential"`
		}
		if err := json.Unmarshal([]byte(v), &in); err != nil {
			return nil, fmt.Errorf("ICE_SERVERS must be URLs separated by commas or a JSON array of {urls, username, credential}: %v", err)
		}
		for _, s := range in {
			var urls []string
			switch u := s.URLs.(type) {
			case string:
				urls = []string{u}
			case []any:
				for _, x := range u {
					if str, ok := x.(string); ok {
						urls = append(urls, str)
					}
				}
			}
			ice := webrtc.ICEServer{URLs: urls, Username: s.Username}
			if s.Credential != "" {
				ice.Credential = s.Credential
			}
			out = append(out, ice)
		}
	} else {
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); u != "" {
				out = append(out, webrtc.ICEServer{URLs: []string{u}})
			}
		}
	}
	for _, s := range out {
		if len(s.URLs) == 0 {
			return nil, fmt.Errorf("ICE_SERVERS: a server without urls")
		}
		for _, u := range s.URLs {
			uri, err := stun.ParseURI(u)
			if err != nil {
				return nil, fmt.Errorf("ICE_SERVERS: %q is not a stun:, stuns:, turn: or turns: URL (%v)", u, err)
			}
			if (uri.Scheme == stun.SchemeTypeTURN || uri.Scheme == stun.SchemeTypeTURNS) && (s.Username == "" || s.Credential == nil) {
				return nil, fmt.Errorf("ICE_SERVERS: the TURN server %q needs a username and credential (the JSON form)", u)
			}
		}
	}
	return out, nil
}

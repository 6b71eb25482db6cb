package httpapi

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// notBuilt is shown at / when the binary was built without the web app.
const notBuilt = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>越创汇 Yuechuang</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.6">
<h1>越创汇 Yuechuang</h1>
<p>网页前端尚未构建。运行 <code>make run</code> 会构建前端并启动平台。<br>
The web app has not been built into this binary. <code>make run</code> builds it and starts the platform.</p>
<p>API: <a href="/api/openapi.json">/api/openapi.json</a> · <a href="/api/v1/taxonomy">/api/v1/taxonomy</a> · <a href="/api/v1/startups">/api/v1/startups</a></p>
</body></html>`

// static serves the web app from files: real files as they are, every other
// non-API GET as index.html so client-side routes work on reload.
func static(files fs.FS) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := c.Path()
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ws/") {
			return c.Next()
		}
		name := strings.TrimPrefix(path.Clean(p), "/")
		if name != "" && files != nil {
			if b, err := fs.ReadFile(files, name); err == nil {
				if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
					c.Set(fiber.HeaderContentType, ct)
				}
				if strings.HasPrefix(name, "assets/") { // Vite fingerprints these
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				}
				return c.Send(b)
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		if files != nil {
			if b, err := fs.ReadFile(files, "index.html"); err == nil {
				return c.Send(b)
			}
		}
		return c.SendString(notBuilt)
	}
}

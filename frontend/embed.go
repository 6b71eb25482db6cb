// Package frontend embeds the built web app (frontend/dist, produced by the
// Vite build) so the one server binary serves it. A fresh clone that has not
// built the app still compiles; the server then shows a short notice page.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app's files, rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is embedded above
	}
	return sub
}

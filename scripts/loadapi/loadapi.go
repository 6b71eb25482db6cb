// Package loadapi is the load tools' client of the platform's JSON API
// (scripts/wsload, scripts/videoload). A load tool cannot go on after a
// refused set-up call, so every failure ends the tool with its name and
// the answer.
package loadapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

// Fail prints what went wrong, prefixed by the tool's name, and exits 1.
func Fail(tool, f string, a ...any) {
	fmt.Fprintf(os.Stderr, tool+": "+f+"\n", a...)
	os.Exit(1)
}

// Call sends body as JSON to base+path with token as the bearer ("" for
// none) and returns the decoded answer; any error or status ≥ 300 fails.
func Call(tool, base, method, path, token string, body any) map[string]any {
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req, err := http.NewRequest(method, base+path, &buf)
	if err != nil {
		Fail(tool, "%s %s: %v", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		Fail(tool, "%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode >= 300 {
		Fail(tool, "%s %s: %d %v", method, path, res.StatusCode, out)
	}
	return out
}

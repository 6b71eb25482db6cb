package search

import "encoding/json"

// hlSource is what highlights are cut from: the public parts of a profile
// that say what it is.
type hlSource struct {
	Name      string   `json:"n"`
	Summary   string   `json:"s,omitempty"`
	Tags      []string `json:"t,omitempty"`
	Sectors   []string `json:"sec,omitempty"`
	Districts []string `json:"dis,omitempty"`
}

func highlightSource(d Document) string {
	b, _ := json.Marshal(hlSource{Name: d.Name, Summary: d.Summary, Tags: d.Tags, Sectors: d.Sectors, Districts: d.Districts})
	return string(b)
}

package ferret

import (
	"bytes"
	"fmt"
)

// The stored documents are JSON that FerretDB wrote (encoding/json's
// compact form), so ReadDocument splits them with the small scanner below
// rather than through encoding/json, which validates every byte and then
// scans each value again: a log page's base64 text was most of its read.
// Malformed input gives an error, never a panic.

type jsonField struct {
	key string
	raw []byte
}

// splitObject returns the members of the JSON object raw, in order.
func splitObject(raw []byte) ([]jsonField, error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, fmt.Errorf("not an object")
	}
	var out []jsonField
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return out, trailing(raw, i+1)
	}
	for {
		end, err := skipValue(raw, i)
		if err != nil || raw[i] != '"' {
			return nil, fmt.Errorf("object key at %d: %v", i, err)
		}
		key, err := unquote(raw[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return nil, fmt.Errorf("no colon at %d", i)
		}
		i = skipSpace(raw, i+1)
		if end, err = skipValue(raw, i); err != nil {
			return nil, err
		}
		out = append(out, jsonField{key: key, raw: raw[i:end]})
		if i = skipSpace(raw, end); i >= len(raw) {
			return nil, fmt.Errorf("object not closed")
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return out, trailing(raw, i+1)
		default:
			return nil, fmt.Errorf("unexpected %q at %d", raw[i], i)
		}
	}
}

// splitArray returns the elements of the JSON array raw, in order.
func splitArray(raw []byte) ([][]byte, error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return nil, fmt.Errorf("not an array")
	}
	var out [][]byte
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		return out, trailing(raw, i+1)
	}
	for {
		end, err := skipValue(raw, i)
		if err != nil {
			return nil, err
		}
		out = append(out, raw[i:end])
		if i = skipSpace(raw, end); i >= len(raw) {
			return nil, fmt.Errorf("array not closed")
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case ']':
			return out, trailing(raw, i+1)
		default:
			return nil, fmt.Errorf("unexpected %q at %d", raw[i], i)
		}
	}
}

func trailing(raw []byte, i int) error {
	if skipSpace(raw, i) != len(raw) {
		return fmt.Errorf("text after the value")
	}
	return nil
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\t' || raw[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value that starts at i.
func skipValue(raw []byte, i int) (int, error) {
	if i >= len(raw) {
		return 0, fmt.Errorf("value missing")
	}
	switch raw[i] {
	case '"':
		return skipString(raw, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(raw); j++ {
			switch raw[j] {
			case '"':
				end, err := skipString(raw, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("value at %d not closed", i)
	}
	j := i
	for j < len(raw) {
		switch raw[j] {
		case ',', '}', ']', ' ', '\n', '\t', '\r', ':':
			if j == i {
				return 0, fmt.Errorf("value missing at %d", i)
			}
			return j, nil
		}
		j++
	}
	if j == i {
		return 0, fmt.Errorf("value missing at %d", i)
	}
	return j, nil
}

// skipString returns the end of the JSON string that starts at i: the
// first quote after it that an odd number of backslashes does not escape
// (found by bytes.IndexByte: a record's base64 text is 130 KB).
func skipString(raw []byte, i int) (int, error) {
	for j := i + 1; j < len(raw); {
		k := bytes.IndexByte(raw[j:], '"')
		if k < 0 {
			break
		}
		j += k
		n := 0
		for n < j-i-1 && raw[j-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return j + 1, nil
		}
		j++
	}
	return 0, fmt.Errorf("string at %d not closed", i)
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/domain"
)

// decode reads the request body into dst strictly: JSON only, no unknown
// fields, no trailing data, types as declared. Every failure is a 4xx
// that names the problem.
func decode(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(body) > maxJSONBody {
		return fiberCodes[fiber.StatusRequestEntityTooLarge]
	}
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return domain.CodedError(domain.KindInvalid, "unsupported_media_type", "body must be application/json")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return domain.CodedError(domain.KindInvalid, "empty_body", "request body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return domain.CodedError(domain.KindInvalid, "invalid_json", "unexpected data after the JSON value")
	}
	// Every text a client sends follows the platform's text rule before
	// any service sees it (domain.CleanText); the validators refuse what
	// is left, such as a name that was only invisible characters.
	cleanStrings(reflect.ValueOf(dst))
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return domain.CodedError(domain.KindInvalid, "invalid_json", fmt.Sprintf("malformed JSON at byte %d", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.CodedError(domain.KindInvalid, "invalid_json", "truncated JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return &domain.Error{Kind: domain.KindInvalid, Code: "validation_failed", Detail: "wrong field type",
			Fields: []domain.FieldError{{Field: field, Code: "wrong_type", Message: "expected " + typ.Type.String() + ", got " + typ.Value}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &domain.Error{Kind: domain.KindInvalid, Code: "unknown_field", Detail: "field not allowed: " + name,
			Fields: []domain.FieldError{{Field: name, Code: "not_allowed", Message: "this field cannot be set"}}}
	}
	return domain.CodedError(domain.KindInvalid, "invalid_json", "cannot parse request body")
}

// idParam returns the path parameter name, which must be a platform id.
func idParam(c *fiber.Ctx, name string) (string, error) {
	id := c.Params(name)
	if !domain.ValidID(id) {
		return "", domain.ErrInvalidID
	}
	return id, nil
}

// pageQuery reads ?page= and ?pageSize=.
func pageQuery(c *fiber.Ctx) (domain.Page, error) {
	var v domain.Validator
	num := func(name string) int {
		s := c.Query(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		v.CheckCode(err == nil, name, "not_integer", "must be an integer")
		return n
	}
	page, size := num("page"), num("pageSize")
	if err := v.Err(); err != nil {
		return domain.Page{}, err
	}
	return domain.NewPage(page, size)
}

// boolQuery reads an optional true/false query parameter.
func boolQuery(c *fiber.Ctx, name string) (*bool, error) {
	s := c.Query(name)
	if s == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return nil, domain.FieldInvalid(name, "not_boolean", "must be true or false")
	}
	return &b, nil
}

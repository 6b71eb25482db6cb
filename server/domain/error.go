package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an Error; the HTTP layer maps each kind to one status.
type Kind string

// Error kinds.
const (
	KindInvalid      Kind = "invalid"      // the request is malformed or fails validation
	KindUnauthorized Kind = "unauthorized" // no or bad credentials
	KindForbidden    Kind = "forbidden"    // authenticated but not allowed
	KindNotFound     Kind = "not_found"
	KindConflict     Kind = "conflict"
	KindRateLimited  Kind = "rate_limited"
	KindTooLarge     Kind = "too_large"
	KindUnavailable  Kind = "unavailable" // a dependency is down; retry later
	KindInternal     Kind = "internal"
)

// FieldError names one invalid input field. Code is a stable reason
// ("required", "password_common") that the web app turns into words;
// Message is short English for API clients and logs, never shown to people.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// Error is the one error type the platform shows to clients. Code is a stable
// machine-readable string that the web app turns into words (i18n.ts);
// Detail is short English for API clients and logs, never shown to people
// and never Chinese (TestErrorTexts). Any other error reaching the HTTP
// layer is treated as internal and never shown.
type Error struct {
	Kind   Kind
	Code   string
	Detail string
	Fields []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%v)", e.Code, e.Detail, e.Fields)
	}
	return e.Code + ": " + e.Detail
}

// CodedError returns an *Error with a specific code.
func CodedError(k Kind, code, detail string) *Error {
	return &Error{Kind: k, Code: code, Detail: detail}
}

// AsError reports whether err wraps an *Error and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsKind reports whether err wraps an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

// Common errors.
var (
	ErrNotFound     = &Error{Kind: KindNotFound, Code: "not_found", Detail: "not found"}
	ErrUnauthorized = &Error{Kind: KindUnauthorized, Code: "unauthorized", Detail: "authentication required"}
	ErrForbidden    = &Error{Kind: KindForbidden, Code: "forbidden", Detail: "you may not do this"}
	ErrInvalidID    = &Error{Kind: KindInvalid, Code: "invalid_id", Detail: "malformed id"}
	ErrEditConflict = &Error{Kind: KindConflict, Code: "edit_conflict", Detail: "edited concurrently, reload and retry"}
)

// Validator collects field errors so a client sees every problem at once.
// The zero value is ready to use.
type Validator struct{ fields []FieldError }

// CheckCode records field as invalid, with a stable code and a short
// English message, unless ok.
func (v *Validator) CheckCode(ok bool, field, code, message string) {
	if !ok {
		v.fields = append(v.fields, FieldError{Field: field, Code: code, Message: message})
	}
}

// Err returns a validation *Error naming every failed field, or nil.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Code: CodeValidationFailed, Detail: "validation failed", Fields: v.fields}
}

// CodeValidationFailed is the code of every error that names invalid fields.
const CodeValidationFailed = "validation_failed"

// FieldInvalid returns a validation *Error naming one invalid field.
func FieldInvalid(field, code, message string) *Error {
	return &Error{Kind: KindInvalid, Code: CodeValidationFailed, Detail: "validation failed",
		Fields: []FieldError{{Field: field, Code: code, Message: message}}}
}

// ValidID reports whether id has the shape of the platform's ids (24 hex
// digits), so a malformed id gets a clear 400 instead of a silent miss.
func ValidID(id string) bool {
	if len(id) != 24 {
		return false
	}
	for _, r := range id {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

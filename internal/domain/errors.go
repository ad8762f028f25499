package domain

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error so that transports can map it to a stable code
// without knowing which layer produced it.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindAlreadyExists
	KindUnauthenticated
	KindForbidden
	KindRateLimited
	// KindUnavailable: a dependency (Kafka) did not take the request in
	// time; trying again later is expected to work.
	KindUnavailable
	// KindCursorExpired: a subscription cursor points before what the
	// event store retains, or too far back to replay.
	KindCursorExpired
)

var kindNames = [...]string{KindInternal: "INTERNAL", KindInvalid: "INVALID", KindNotFound: "NOT_FOUND",
	KindAlreadyExists: "ALREADY_EXISTS", KindUnauthenticated: "UNAUTHENTICATED", KindForbidden: "FORBIDDEN",
	KindRateLimited: "RATE_LIMITED", KindUnavailable: "UNAVAILABLE", KindCursorExpired: "CURSOR_EXPIRED"}

// String names the kind, for logs.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is an error a caller can act on: Kind says what went wrong, Field
// (optional) which input caused it.
type Error struct {
	Kind    Kind
	Field   string
	Message string
	// RetryAfter hints when to try again (KindRateLimited).
	RetryAfter time.Duration
	// CommandID names the command the error concerns (KindUnavailable: a
	// send that timed out may still have reached Kafka, so a client asks
	// commandReceipt before repeating a transfer).
	CommandID string
	cause     error // for logs; never shown to clients
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// Unavailable reports that the command could not be handed to the bus.
func Unavailable(commandID string, cause error) error {
	return &Error{Kind: KindUnavailable, Message: "the service cannot take this request right now; try again shortly",
		CommandID: commandID, cause: cause}
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Invalid reports bad input in field.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CursorExpired reports a cursor the event store can no longer resume.
func CursorExpired(format string, args ...any) error {
	return &Error{Kind: KindCursorExpired, Field: "after", Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing entity.
func NotFound(format string, args ...any) error {
	return &Error{Kind: KindNotFound, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the Kind of the first *Error in err's chain, or KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

var (
	// ErrEmailTaken is returned when an account with the same email exists.
	ErrEmailTaken = &Error{Kind: KindAlreadyExists, Field: "email", Message: "an account with this email already exists"}
	// ErrBadCredentials is the one answer to a wrong password and an unknown
	// email alike, so that a login cannot probe which emails are registered.
	ErrBadCredentials = &Error{Kind: KindUnauthenticated, Message: "invalid email or password"}
	// ErrUnauthenticated is returned when an operation needs a valid token.
	ErrUnauthenticated = &Error{Kind: KindUnauthenticated, Message: "a valid access token is required"}
)

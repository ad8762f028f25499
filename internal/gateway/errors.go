package gateway

import (
	"context"
	"errors"
	"log/slog"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Stable error codes in extensions.code. Clients depend on them: never
// rename one.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeAlreadyExists   = "ALREADY_EXISTS"
	CodeRateLimited     = "RATE_LIMITED"
	CodeInternal        = "INTERNAL"
	// CodeUnavailable: Kafka did not take the command in time; the error
	// has extensions.retryable true and, for a mutation, its commandId.
	CodeUnavailable = "UNAVAILABLE"
	// CodeTooComplex is gqlgen's code for its complexity limit; the depth
	// and shape limits use it too, so clients handle one code.
	CodeTooComplex = "COMPLEXITY_LIMIT_EXCEEDED"
	// CodeCursorExpired: a subscription's after cursor is older than the
	// event store retains (or than a resume replays); re-read and subscribe
	// without it.
	CodeCursorExpired = "CURSOR_EXPIRED"
	// CodeFellBehind: a subscription's last event before complete, when
	// its subscriber fell a full buffer behind; extensions.cursor is the
	// cursor of the last event sent, to resume after.
	CodeFellBehind = "SUBSCRIBER_FELL_BEHIND"
)

var codes = map[domain.Kind]string{
	domain.KindInvalid:         CodeBadUserInput,
	domain.KindUnauthenticated: CodeUnauthenticated,
	domain.KindForbidden:       CodeForbidden,
	domain.KindNotFound:        CodeNotFound,
	domain.KindAlreadyExists:   CodeAlreadyExists,
	domain.KindRateLimited:     CodeRateLimited,
	domain.KindUnavailable:     CodeUnavailable,
	domain.KindCursorExpired:   CodeCursorExpired,
}

// presentError is the one place where errors become GraphQL errors. Domain
// errors keep their message and get their code; anything else is logged
// and shown as INTERNAL without detail.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var de *domain.Error
		if errors.As(err, &de) {
			gerr.Message = de.Error()
			setCode(gerr, codes[de.Kind])
			if de.Field != "" {
				gerr.Extensions["field"] = de.Field
			}
			if de.RetryAfter > 0 {
				gerr.Extensions["retryAfterSeconds"] = int(math.Ceil(de.RetryAfter.Seconds()))
			}
			if de.Kind == domain.KindUnavailable {
				gerr.Extensions["retryable"] = true
				log.WarnContext(ctx, "dependency unavailable", "path", graphql.GetPath(ctx).String(), "err", errors.Unwrap(de))
			}
			if de.CommandID != "" {
				gerr.Extensions["commandId"] = de.CommandID
			}
			return gerr
		}
		var ge *gqlerror.Error
		if errors.As(err, &ge) && ge.Message == "operation  not found" {
			// gqlgen's words for a document of several operations without
			// operationName: say what to do instead.
			gerr.Message = "the document holds several operations: name the one to run in operationName"
			setCode(gerr, CodeBadRequest)
			return gerr
		}
		if errors.As(err, &ge) && ge.Extensions["code"] != nil {
			return gerr // parse, validation and limit errors carry their own code
		}
		if errors.As(err, &ge) && ge.Err == nil {
			// gqlgen's own input coercion errors (a bad enum, a null where a
			// value is required) are the client's fault.
			setCode(gerr, CodeBadUserInput)
			return gerr
		}
		log.ErrorContext(ctx, "request failed", "path", graphql.GetPath(ctx).String(), "err", err)
		gerr.Message = "internal error"
		setCode(gerr, CodeInternal)
		return gerr
	}
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "resolver panicked", "panic", v)
		return errors.New("internal error")
	}
}

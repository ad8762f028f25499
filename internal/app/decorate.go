package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// Handler is a use case as the transports call it: one request in, one
// answer out.
type Handler[Req, Res any] func(ctx context.Context, req Req) (Res, error)

// handlerFunc is a use case as written: it is given the caller its rule
// let in (the zero Identity for an anonymous caller of a public one).
type handlerFunc[Req, Res any] func(ctx context.Context, caller caller.Identity, req Req) (Res, error)

// owned is a request about something of one person's: the owner that
// SelfOrAdmin rules admit.
type owned interface{ owner() string }

// builder builds the handlers, and keeps which actions they run under.
type builder struct {
	log  *slog.Logger
	acts []Action
}

// decorate is the one decorator, applied to every handler where the
// application is built (application.go): it applies the action's rule
// (authz.go) before the handler runs, so that no handler can forget it
// (a hidden answer is the zero value, with no error), and logs each
// request: action, duration and the kind of error, never its content.
// Metrics and tracing belong here too.
func decorate[Req, Res any](b *builder, act Action, h handlerFunc[Req, Res]) Handler[Req, Res] {
	b.acts = append(b.acts, act)
	log := b.log
	return func(ctx context.Context, req Req) (res Res, err error) {
		start := time.Now()
		defer func() { logHandled(ctx, log, act, start, err) }()
		var owner string
		if o, ok := any(req).(owned); ok {
			owner = o.owner()
		}
		caller, ok, err := decide(ctx, act, owner)
		if !ok {
			return res, err
		}
		return h(ctx, caller, req)
	}
}

func logHandled(ctx context.Context, log *slog.Logger, act Action, start time.Time, err error) {
	if !log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []any{"action", string(act), "duration", time.Since(start)}
	if err != nil {
		attrs = append(attrs, "error", domain.KindOf(err).String())
	}
	log.DebugContext(ctx, "handled", attrs...)
}

// check reports the actions that have no rule: New refuses to build an
// application with a handler nobody decided the audience of.
func (b *builder) check() error {
	var errs []error
	for _, act := range b.acts {
		if _, ok := rules[act]; !ok {
			errs = append(errs, fmt.Errorf("app: no authorization rule for %q", act))
		}
	}
	return errors.Join(errs...)
}

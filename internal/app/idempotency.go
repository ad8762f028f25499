package app

import (
	"context"
	"strconv"
	"sync/atomic"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// idempotency holds the Idempotency-Key values of one request.
type idempotency struct {
	values []string
	// sent counts the request's keyed commands. gqlgen runs the fields of
	// a mutation one after the other in document order, so a retried
	// request numbers its commands the same way.
	sent atomic.Int32
}

type idempotencyKey struct{}

// WithIdempotencyKey marks ctx with the values of the request's
// Idempotency-Key header. They are checked when a mutation uses them, so a
// query carrying a key is not refused.
func WithIdempotencyKey(ctx context.Context, values []string) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, &idempotency{values: values})
}

// applyIdempotencyKey gives cmd the id derived from its actor and the
// request's key, if it has one: a retried mutation is then the same
// command, decided once, and answered with its first outcome by whichever
// gateway the retry reaches. A document of several mutations under one key
// gives each its own id, the same on every retry of the document.
// Registration is not keyed: its actor is new on
// every attempt.
func applyIdempotencyKey(ctx context.Context, cmd *domain.Command) error {
	k, ok := ctx.Value(idempotencyKey{}).(*idempotency)
	if !ok || cmd.Type == domain.CmdRegisterPerson {
		return nil
	}
	if len(k.values) != 1 {
		return domain.Invalid(domain.IdempotencyKeyField, "send one Idempotency-Key header, not %d", len(k.values))
	}
	if err := domain.ValidateIdempotencyKey(k.values[0]); err != nil {
		return err
	}
	key := k.values[0]
	if n := k.sent.Add(1) - 1; n > 0 {
		// The n-th mutation of a document under one key is a command of its
		// own, not a replay of the first. A NUL is never in a valid key, so
		// this cannot be another key's id.
		key += "\x00" + strconv.Itoa(int(n))
	}
	// The mutation itself is part of what the key names: a key reused for
	// another mutation (another type or other arguments) is another
	// command, never answered with the first one's outcome. A retry sends
	// the same mutation, whose payload encodes the same.
	key += "\x00" + string(cmd.Type) + "\x00" + string(cmd.Payload)
	cmd.ID = domain.KeyedCommandID(cmd.Actor, key)
	return nil
}

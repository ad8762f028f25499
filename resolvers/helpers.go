package resolvers

import (
	"context"
	"errors"

	"github.com/interestgraph/interestgraph/graph/model"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gqlmodel"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/stream"
	"github.com/interestgraph/interestgraph/internal/tracing"
)

// findPerson returns the person or nil when there is none.
func (r *Resolver) findPerson(ctx context.Context, id string) (*gqlmodel.Person, error) {
	p, err := r.loaders(ctx).Person.Load(ctx, id)
	if err != nil || p == nil {
		return nil, err
	}
	return toPerson(ctx, *p), nil
}

// ledgerParty is a sender or recipient of a ledger record. The records
// outlive a party who deleted their account (the coins moved): such a
// party shows as domain.DeletedPersonName with its id and nothing else,
// rather than breaking the other party's ledger with an error.
func (r *Resolver) ledgerParty(ctx context.Context, id string) (*gqlmodel.Person, error) {
	p, err := r.findPerson(ctx, id)
	if err == nil && p == nil {
		return &gqlmodel.Person{ID: id, Name: domain.DeletedPersonName}, nil
	}
	return p, err
}

// toInterests maps names to interests; their counts are resolved (and
// batched) only where a client selects personCount.
func toInterests(names []string) []gqlmodel.Interest {
	out := make([]gqlmodel.Interest, len(names))
	for i, name := range names {
		out[i] = gqlmodel.Interest{Name: name}
	}
	return out
}

// pageLoad is a loader of person pages.
type pageLoad interface {
	Load(context.Context, pageKey) (store.PersonPage, error)
}

func (r *Resolver) connection(ctx context.Context, l pageLoad, key string, first *int, after *string) (*model.PersonConnection, error) {
	n, a, err := pageArgs(first, after, 20)
	if err != nil {
		return nil, err
	}
	pg, err := l.Load(ctx, pageKey{Key: key, First: n, After: a, SkipTotal: !selects(ctx, "totalCount")})
	if err != nil {
		return nil, err
	}
	return toConnection(ctx, pg), nil
}

// subscriber returns the channel a subscription resolver answers with and
// the app.Subscriber that fills it, resumed after the cursor after (nil:
// live only): each message mapped by conv (skipped when it says no) until
// ctx ends or the stream does, whose early end becomes the error event.
// The stream's own goroutine converts and hands over each value: no
// goroutine of our own per subscription.
func subscriber[T any](ctx context.Context, r *Resolver, after *string, conv func(stream.Message) (T, bool)) (<-chan T, app.Subscriber) {
	out := make(chan T)
	deliver := func(dctx context.Context, m stream.Message) bool {
		if m.Err != nil {
			r.Log.InfoContext(ctx, "subscription ended early", "reason", m.Err)
			// The empty value becomes the error event (see WithStreamEnd).
			if endStream(ctx, &FellBehindError{Cursor: m.Cursor, Behind: errors.Is(m.Err, stream.ErrFellBehind)}) {
				var zero T
				select {
				case out <- zero:
				case <-dctx.Done():
				}
			}
			return false
		}
		v, ok := conv(m)
		if !ok {
			return true
		}
		// The delivery span ends when gqlgen takes the value to write.
		_, span := tracing.StartDelivery(ctx, m.Trace)
		defer span.End()
		noteCursor(ctx, m.Cursor)
		select {
		case out <- v:
			return true
		case <-dctx.Done():
			return false
		}
	}
	return out, app.Subscriber{After: after, Deliver: deliver, Done: func() { close(out) }}
}

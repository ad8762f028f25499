package resolvers

import (
	"context"
	"sync"
)

// FellBehindError ends a subscription early: its subscriber did not keep
// up (Behind), or the event store failed during replay. Cursor is the
// position of the last event it was sent, to resume after.
type FellBehindError struct {
	Cursor string
	Behind bool
}

func (e *FellBehindError) Error() string {
	if e.Behind {
		return "subscriber fell behind: subscribe again with after set to the last cursor"
	}
	return "the event store did not answer: subscribe again with after set to the last cursor"
}

type streamEndKey struct{}

type streamEnd struct {
	mu  sync.Mutex
	err *FellBehindError
}

// WithStreamEnd gives a subscription operation a place for the reason its
// stream ends early. gqlgen has no way for a stream to send an error
// event, so the stream sends one empty value and the gateway presents that
// response as StreamEnd's error.
func WithStreamEnd(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamEndKey{}, &streamEnd{})
}

// StreamEnd returns why the subscription of ctx ended early, if it did.
func StreamEnd(ctx context.Context) *FellBehindError {
	se, _ := ctx.Value(streamEndKey{}).(*streamEnd)
	if se == nil {
		return nil
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.err
}

// endStream records why the stream of ctx ends; false when the transport
// gave it no place (then the stream just completes).
func endStream(ctx context.Context, err *FellBehindError) bool {
	se, _ := ctx.Value(streamEndKey{}).(*streamEnd)
	if se == nil {
		return false
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	se.err = err
	return true
}

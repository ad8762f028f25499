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

type cursorsKey struct{}

// Cursors are the cursors of the events a subscription handed to the
// executor and that its transport has not taken yet, oldest first. The
// stream appends one before each event it sends and waits for that event
// to be received before it sends the next, so at most two are held: the
// one being executed and the one waiting.
type Cursors struct {
	mu sync.Mutex
	q  []string
}

// WithCursors makes the subscription of ctx record its events' cursors
// for a transport that needs them whether or not the selection names
// cursor: it takes one with Take after each response.
func WithCursors(ctx context.Context) (context.Context, *Cursors) {
	c := &Cursors{}
	return context.WithValue(ctx, cursorsKey{}, c), c
}

// Take returns the cursor of the event of the response just received ("" for a
// response that carried no event, such as the error that ends a stream).
func (c *Cursors) Take() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.q) == 0 {
		return ""
	}
	cur := c.q[0]
	c.q = c.q[1:]
	return cur
}

func noteCursor(ctx context.Context, cursor string) {
	c, _ := ctx.Value(cursorsKey{}).(*Cursors)
	if c == nil {
		return
	}
	c.mu.Lock()
	c.q = append(c.q, cursor)
	c.mu.Unlock()
}

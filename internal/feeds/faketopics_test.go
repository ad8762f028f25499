package feeds

import (
	"context"
	"errors"
	"time"

	"github.com/segmentio/kafka-go"
)

// fakeTail hands its messages to Run in order, then waits for ctx.
type fakeTail struct {
	msgs   []kafka.Message
	start  map[int]int64
	closed int
}

func (t *fakeTail) Run(ctx context.Context, fn func(context.Context, kafka.Message)) {
	for _, m := range t.msgs {
		fn(ctx, m)
	}
	<-ctx.Done()
}

func (t *fakeTail) Start() map[int]int64 { return t.start }
func (t *fakeTail) Close()               { t.closed++ }

// fakeStore is an events topic: partitions of messages at offsets 0, 1, …
type fakeStore struct {
	parts    map[int][]kafka.Message
	at       map[int]int64 // what OffsetsAt answers
	atErr    error
	askedFor time.Time
}

func (s *fakeStore) FirstOffsets(context.Context) (map[int]int64, error) {
	out := map[int]int64{}
	for p := range s.parts {
		out[p] = 0
	}
	return out, nil
}

func (s *fakeStore) OffsetsAt(_ context.Context, t time.Time) (map[int]int64, error) {
	s.askedFor = t
	return s.at, s.atErr
}

func (s *fakeStore) ReadRange(_ context.Context, partition int, from, to int64, fn func(kafka.Message) error) error {
	msgs := s.parts[partition]
	if from < 0 || to >= int64(len(msgs)) {
		return errors.New("fake store: range out of the partition")
	}
	for _, m := range msgs[from : to+1] {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// producer sends messages without a batch timer. kafka-go's Writer sends a
// partial batch only when its BatchTimeout fires and never merges queued
// batches, so every synchronous write pays the timer (PITFALLS). Here a
// partition with no request in flight sends at once; messages that arrive
// while one is in flight wait for it and then go together in the next
// request. Concurrent senders thus share requests under load and a lone
// sender waits for nothing but the broker.
type producer struct {
	client  *kafka.Client
	acks    kafka.RequiredAcks
	balance kafka.Balancer

	// maxQueued bounds the messages waiting for one partition: while
	// Kafka is unreachable callers time out, and nothing may pile up
	// behind them.
	maxQueued int

	mu     sync.Mutex
	queues map[topicPartition]*partitionQueue
	counts map[string]topicCount
	closed bool
	flush  sync.WaitGroup
}

type topicPartition struct {
	topic     string
	partition int
}

// partitionQueue holds what waits for one partition; busy while a flusher
// goroutine drains it.
type partitionQueue struct {
	busy    bool
	pending []*pendingSend
	queued  int // messages in pending
}

// pendingSend is one caller's messages for one partition.
type pendingSend struct {
	ctx  context.Context // a send whose caller gave up before it went out is dropped
	msgs []kafka.Message
	done chan error // buffered: the flusher never blocks on a gone caller
}

type topicCount struct {
	ids []int // 0..n-1, what the balancer chooses from
	at  time.Time
}

const (
	// maxRequestBytes and maxRequestMessages bound one produce request
	// (the broker's default message.max.bytes is about 1 MiB).
	maxRequestBytes    = 1 << 20
	maxRequestMessages = 1000
	produceAttempts    = 5
	maxQueuedMessages  = 10_000
	produceTimeout     = 10 * time.Second
	// partitionCountTTL: partition counts are cached, and re-read this
	// often or after a failed send.
	partitionCountTTL = time.Minute
)

var (
	errProducerClosed = errors.New("kafka: producer closed")
	errQueueFull      = errors.New("kafka: too many messages waiting for one partition")
)

func newProducer(c Config) *producer {
	return &producer{
		client:    &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: c.transport(), Timeout: produceTimeout},
		acks:      kafka.RequireAll,
		balance:   &kafka.Murmur2Balancer{},
		maxQueued: maxQueuedMessages,
		queues:    map[topicPartition]*partitionQueue{},
		counts:    map[string]topicCount{},
	}
}

// send writes msgs (each with its Topic set) and returns once every one is
// acknowledged by all in-sync replicas, or with the first error. As with
// the Writer, a send that returns early may still reach Kafka.
func (p *producer) send(ctx context.Context, msgs []kafka.Message) error {
	groups := map[topicPartition][]kafka.Message{}
	for _, m := range msgs {
		ids, err := p.partitions(ctx, m.Topic)
		if err != nil {
			return err
		}
		tp := topicPartition{m.Topic, p.balance.Balance(m, ids...)}
		groups[tp] = append(groups[tp], m)
	}
	waits := make([]chan error, 0, len(groups))
	for tp, g := range groups {
		// A large send (a batch's events) goes as several requests, each
		// within what the broker takes, queued in order.
		for _, part := range splitRequests(g) {
			ps := &pendingSend{ctx: ctx, msgs: part, done: make(chan error, 1)}
			if err := p.enqueue(tp, ps); err != nil {
				return err
			}
			waits = append(waits, ps.done)
		}
	}
	var first error
	for _, done := range waits {
		select {
		case err := <-done:
			if err != nil && first == nil {
				first = err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return first
}

func (p *producer) enqueue(tp topicPartition, ps *pendingSend) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errProducerClosed
	}
	q := p.queues[tp]
	if q == nil {
		q = &partitionQueue{}
		p.queues[tp] = q
	}
	if q.queued+len(ps.msgs) > p.maxQueued {
		return errQueueFull
	}
	q.pending, q.queued = append(q.pending, ps), q.queued+len(ps.msgs)
	if !q.busy {
		q.busy = true
		p.flush.Add(1)
		go p.drain(tp, q)
	}
	return nil
}

// drain sends what waits for tp, request after request, until nothing
// does. One request per partition is in flight at a time, which keeps a
// partition's messages in the order they were sent.
func (p *producer) drain(tp topicPartition, q *partitionQueue) {
	defer p.flush.Done()
	for {
		p.mu.Lock()
		take := takeRequest(q)
		take = dropAbandoned(take)
		if len(take) == 0 && len(q.pending) > 0 {
			p.mu.Unlock()
			continue
		}
		if len(take) == 0 {
			q.busy = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		err := p.produce(tp, take)
		for _, ps := range take {
			ps.done <- err
		}
	}
}

// takeRequest removes from q the sends that fit in one request (always at
// least one, so an oversized send is tried and refused by the broker).
func takeRequest(q *partitionQueue) []*pendingSend {
	n, size, count := 0, 0, 0
	for n < len(q.pending) {
		s, c := sendSize(q.pending[n]), len(q.pending[n].msgs)
		if n > 0 && (size+s > maxRequestBytes || count+c > maxRequestMessages) {
			break
		}
		size, count, n = size+s, count+c, n+1
	}
	take := q.pending[:n:n]
	q.pending = q.pending[n:]
	q.queued -= count
	return take
}

// dropAbandoned answers and removes the sends whose caller has given up
// (its bound ran out while earlier requests were failing): the caller has
// already answered UNAVAILABLE, and a command that then arrives late
// would surprise it.
func dropAbandoned(take []*pendingSend) []*pendingSend {
	kept := take[:0]
	for _, ps := range take {
		if err := ps.ctx.Err(); err != nil {
			ps.done <- err
			continue
		}
		kept = append(kept, ps)
	}
	return kept
}

func sendSize(ps *pendingSend) int {
	n := 0
	for _, m := range ps.msgs {
		n += messageSize(m)
	}
	return n
}

func messageSize(m kafka.Message) int {
	n := len(m.Key) + len(m.Value) + 64
	for _, h := range m.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return n
}

// splitRequests cuts msgs into runs that each fit in one request (a run
// holds at least one message, so an oversized one is tried and refused by
// the broker).
func splitRequests(msgs []kafka.Message) [][]kafka.Message {
	var parts [][]kafka.Message
	start, size := 0, 0
	for i, m := range msgs {
		s := messageSize(m)
		if i > start && (size+s > maxRequestBytes || i-start >= maxRequestMessages) {
			parts = append(parts, msgs[start:i:i])
			start, size = i, 0
		}
		size += s
	}
	return append(parts, msgs[start:])
}

// produce sends one request, retrying what Kafka calls temporary (a leader
// moving) and network failures a bounded number of times.
func (p *producer) produce(tp topicPartition, sends []*pendingSend) error {
	var records []kafka.Record
	for _, ps := range sends {
		for _, m := range ps.msgs {
			records = append(records, kafka.Record{Time: m.Time, Key: kafka.NewBytes(m.Key), Value: kafka.NewBytes(m.Value), Headers: m.Headers})
		}
	}
	var err error
	for attempt := 0; attempt < produceAttempts; attempt++ {
		if attempt > 0 {
			time.Sleep(min(100*time.Millisecond<<attempt, time.Second))
		}
		err = p.produceOnce(tp, records)
		var kerr kafka.Error
		if err == nil || (errors.As(err, &kerr) && !kerr.Temporary()) {
			break
		}
	}
	if err != nil {
		p.forget(tp.topic)
		return fmt.Errorf("produce to %s/%d: %w", tp.topic, tp.partition, err)
	}
	return nil
}

func (p *producer) produceOnce(tp topicPartition, records []kafka.Record) error {
	ctx, cancel := context.WithTimeout(context.Background(), produceTimeout)
	defer cancel()
	res, err := p.client.Produce(ctx, &kafka.ProduceRequest{
		Topic: tp.topic, Partition: tp.partition, RequiredAcks: p.acks,
		Records: kafka.NewRecordReader(records...),
	})
	if err != nil {
		return err
	}
	if res != nil && res.Error != nil {
		return res.Error
	}
	return nil
}

// partitions returns how many partitions topic has, from a short cache.
func (p *producer) partitions(ctx context.Context, topic string) ([]int, error) {
	p.mu.Lock()
	c, ok := p.counts[topic]
	p.mu.Unlock()
	if ok && time.Since(c.at) < partitionCountTTL {
		return c.ids, nil
	}
	res, err := p.client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("kafka: metadata of %s: %w", topic, err)
	}
	for _, t := range res.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return nil, fmt.Errorf("kafka: metadata of %s: %w", topic, t.Error)
		}
		if len(t.Partitions) == 0 {
			break
		}
		ids := seq(len(t.Partitions))
		p.mu.Lock()
		p.counts[topic] = topicCount{ids: ids, at: time.Now()}
		p.mu.Unlock()
		return ids, nil
	}
	return nil, fmt.Errorf("kafka: metadata of %s: %w", topic, kafka.UnknownTopicOrPartition)
}

func (p *producer) forget(topic string) {
	p.mu.Lock()
	delete(p.counts, topic)
	p.mu.Unlock()
}

// close refuses new sends and waits for those in flight.
func (p *producer) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.flush.Wait()
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

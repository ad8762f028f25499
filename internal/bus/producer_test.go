package bus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/embedded"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

func embeddedBus(t *testing.T) (*bus.Bus, *embedded.Broker) {
	t.Helper()
	broker, err := embedded.StartBroker(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	cfg := bus.Config{Brokers: broker.Addrs(), Topics: bus.DefaultTopics("producer-" + testsupport.Unique() + "."),
		Partitions: 3, ReplicationFactor: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bus.EnsureTopics(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	b, err := bus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b, broker
}

func command(t *testing.T, actor string) domain.Command {
	t.Helper()
	cmd, err := domain.NewCommand(domain.CmdAddInterest, actor, domain.InterestPayload{Interest: "go"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestLoneSendWaitsForNoTimer: a send with nothing else in flight goes out
// at once. kafka-go's Writer holds a partial batch until its BatchTimeout
// (2 ms here before) fires, so no send through it took less than that.
func TestLoneSendWaitsForNoTimer(t *testing.T) {
	b, _ := embeddedBus(t)
	actor := uuid.NewString()
	fastest := time.Hour
	for range 20 {
		start := time.Now()
		if err := b.SendCommand(context.Background(), command(t, actor)); err != nil {
			t.Fatal(err)
		}
		fastest = min(fastest, time.Since(start))
	}
	if fastest >= 2*time.Millisecond {
		t.Fatalf("the fastest of 20 lone sends took %v: a batch timer is on the request path", fastest)
	}
}

// TestConcurrentSendsShareRequests: sends that arrive while a request to
// their partition is in flight go out together in the next one, so a
// burst costs far fewer requests than sends.
func TestConcurrentSendsShareRequests(t *testing.T) {
	b, broker := embeddedBus(t)
	actor := uuid.NewString() // one key: one partition
	if err := b.SendCommand(context.Background(), command(t, actor)); err != nil {
		t.Fatal(err) // partition counts cached before the burst
	}
	requests := broker.CountProduceRequests()
	const senders = 64
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, senders)
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- b.SendCommand(context.Background(), command(t, actor))
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := requests(); n == 0 || n > senders/2 {
		t.Fatalf("%d concurrent sends took %d produce requests, want at most %d", senders, n, senders/2)
	}
}

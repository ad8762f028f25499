package resolvers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/gateway"
	"github.com/interestgraph/interestgraph/internal/hub"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

// planCounter counts planned person reads: one statement each on Neo4j.
type planCounter struct {
	store.Reader
	plans atomic.Int64
}

func (c *planCounter) ReadPerson(ctx context.Context, id string, p store.PersonPlan) (*store.PersonRead, error) {
	c.plans.Add(1)
	return c.Reader.ReadPerson(ctx, id, p)
}

// TestEventResolvedOncePerSelection: one event delivered to 20
// subscribers with one selection and to 5 with another reads its person
// twice, once per selection, however many subscribers there are; every
// subscriber still gets the person as its selection asks.
func TestEventResolvedOncePerSelection(t *testing.T) {
	st := memory.New()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	execute := func(typ domain.CommandType, actor string, payload any) domain.Outcome {
		cmd, _ := domain.NewCommand(typ, actor, payload, time.Now())
		out, _, err := st.Execute(ctx, cmd, domain.Decide)
		if err != nil || out.Status != domain.StatusApplied {
			t.Fatalf("%s: %+v %v", typ, out, err)
		}
		return out
	}
	bob, ann := domain.NewID(), domain.NewID()
	execute(domain.CmdRegisterPerson, bob, domain.RegisterPersonPayload{Name: "Bob", Email: "bob@example.com"})
	execute(domain.CmdRegisterPerson, ann, domain.RegisterPersonPayload{Name: "Ann", Email: "ann@example.com"})
	execute(domain.CmdFollow, ann, domain.FollowPayload{PersonID: bob})

	reader := &planCounter{Reader: st}
	h := hub.New(0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	res, keys := testResolverWith(t, reader, h)
	gw := gateway.NewHandler(gateway.Config{}, gateway.Deps{Resolvers: res,
		Verifier: keys, Ready: func(context.Context) error { return nil }, Log: res.Log})
	srv := httptest.NewServer(gw)
	defer srv.Close()

	selections := map[string]string{
		"interests": `subscription($p: ID!) { personEvents(personId: $p) { ... on InterestAdded { person { name interests { name } } } } }`,
		"counts":    `subscription($p: ID!) { personEvents(personId: $p) { ... on InterestAdded { person { name followerCount } } } }`,
	}
	type subscriber struct {
		sock *gqlclient.Socket
		sel  string
	}
	var subs []subscriber
	for i := range 25 {
		sel := "interests"
		if i >= 20 {
			sel = "counts"
		}
		sock, err := gqlclient.Dial(ctx, srv.URL+"/graphql", gqlclient.DialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer sock.CloseNow()
		if err := sock.Subscribe(ctx, "e", selections[sel], map[string]any{"p": bob}); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, subscriber{sock, sel})
	}
	// Over graphql-transport-ws, anonymous subscribers of one selection
	// share one execution (the gateway's groups); the shared read serves
	// executions of one selection for different callers, and the other
	// transports, which execute per subscriber.
	open := func() int { n, _ := gw.Subscriptions(); return n }
	for open() < len(subs) {
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d subscriptions open", open(), len(subs))
		case <-time.After(10 * time.Millisecond):
		}
	}

	added := execute(domain.CmdAddInterest, bob, domain.InterestPayload{Interest: "chess"})
	reader.plans.Store(0)
	h.Publish(added.Events[0])
	for i, s := range subs {
		m, err := s.sock.NextFor(ctx, "e")
		if err != nil {
			t.Fatalf("subscriber %d: %v", i, err)
		}
		var got struct {
			Data struct {
				PersonEvents struct {
					Person struct {
						Name          string
						FollowerCount *int
						Interests     []struct{ Name string }
					}
				}
			}
		}
		if err := json.Unmarshal(m.Payload, &got); err != nil {
			t.Fatalf("subscriber %d: %v in %s", i, err, m.Raw)
		}
		p := got.Data.PersonEvents.Person
		switch {
		case p.Name != "Bob":
			t.Fatalf("subscriber %d got %s", i, m.Raw)
		case s.sel == "interests" && (len(p.Interests) != 1 || p.Interests[0].Name != "chess" || p.FollowerCount != nil):
			t.Fatalf("subscriber %d (interests) got %s", i, m.Raw)
		case s.sel == "counts" && (p.FollowerCount == nil || *p.FollowerCount != 1 || p.Interests != nil):
			t.Fatalf("subscriber %d (counts) got %s", i, m.Raw)
		}
	}
	if n := reader.plans.Load(); n != int64(len(selections)) {
		t.Fatalf("the event's person was read %d times for %d subscribers; want once per selection (%d)", n, len(subs), len(selections))
	}
}

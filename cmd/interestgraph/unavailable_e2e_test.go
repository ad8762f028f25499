package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// TestKafkaUnreachableAtMutationTime: while Kafka refuses commands, a
// mutation answers UNAVAILABLE (retryable) within KAFKA_SEND_TIMEOUT, and a
// registration leaves no account without its person: registering again
// with the same password once Kafka is back signs in to one account whose
// person is in the graph (whether the first attempt's account was undone,
// or kept because its send may still have been written). Embedded: the broker refuses produce requests. Real
// stack: every connection to Kafka goes through a fault proxy (a dial hook,
// since kafka-go dials the advertised addresses after the bootstrap), which
// is cut.
func TestKafkaUnreachableAtMutationTime(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		t.Parallel()
		cfg := testConfig(t, st)
		cfg.KafkaSendTimeout = time.Second
		var opts []startOption
		kafkaProxy := testsupport.NewProxyDialer(t)
		if st == realStack {
			opts = append(opts, withKafkaDial(kafkaProxy.DialContext))
		}
		rs := startService(t, cfg, roles{gateway: true, consumer: true}, opts...)
		cut := func() (restore func()) {
			if st == embeddedStack {
				return rs.broker.RefuseProduce()
			}
			kafkaProxy.Cut()
			return kafkaProxy.Restore
		}
		testKafkaUnreachable(t, cfg, rs, cut)
	})
}

func testKafkaUnreachable(t *testing.T, cfg config.Config, rs *running, cut func() func()) {
	ann := rs.register(t, "Ann")
	restore := cut()
	defer restore()
	unavailable := func(what string, r gqlResponse, took time.Duration) {
		t.Helper()
		if r.code() != "UNAVAILABLE" || r.Errors[0].Extensions["retryable"] != true {
			t.Fatalf("%s while Kafka is unreachable: %+v", what, r.Errors)
		}
		// The bound plus the request's own work, on a loaded machine.
		if took > cfg.KafkaSendTimeout+2*time.Second {
			t.Fatalf("%s took %s with KAFKA_SEND_TIMEOUT %s", what, took, cfg.KafkaSendTimeout)
		}
	}
	start := time.Now()
	r := rs.do(t, ann.Token, `mutation { addInterest(name: "go") { commandId status } }`, nil)
	unavailable("addInterest", r, time.Since(start))

	email := fmt.Sprintf("bob-%s@example.com", testsupport.Unique())
	registerBob := func() gqlResponse {
		return rs.do(t, "", `mutation($in: RegisterInput!) { register(input: $in) { accessToken person { id email } } }`,
			map[string]any{"in": map[string]any{"email": email, "password": "correct horse", "name": "Bob"}})
	}
	start = time.Now()
	unavailable("register", registerBob(), time.Since(start))
	ctx := ctxFor(t, 10*time.Second)

	restore()
	var out struct {
		Register struct{ Person struct{ ID, Email string } }
	}
	r = registerBob()
	if len(r.Errors) > 0 {
		t.Fatalf("registering again once Kafka is back: %+v", r.Errors)
	}
	if err := jsonInto(r.Data, &out); err != nil || !strings.EqualFold(out.Register.Person.Email, email) {
		t.Fatalf("register: %s (%v)", r.Data, err)
	}
	acc, err := rs.identities.AccountByEmail(ctx, email)
	if err != nil || acc.PersonID != out.Register.Person.ID {
		t.Fatalf("account after registering again: %+v %v, want the person %s", acc, errors.Unwrap(err), out.Register.Person.ID)
	}
	if persons, err := rs.store.PersonsByIDs(ctx, []string{acc.PersonID}); err != nil || persons[acc.PersonID].Email != acc.Email {
		t.Fatalf("the person of the account is not in the graph: %+v %v", persons, err)
	}
	// Someone else's password on the same email is still ALREADY_EXISTS.
	r = rs.do(t, "", `mutation($in: RegisterInput!) { register(input: $in) { accessToken } }`,
		map[string]any{"in": map[string]any{"email": email, "password": "another horse", "name": "Mallory"}})
	if r.code() != "ALREADY_EXISTS" {
		t.Fatalf("registering a taken email with another password: %+v", r.Errors)
	}
}

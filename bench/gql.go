package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/interestgraph/interestgraph/internal/testsupport/gqlclient"
)

// httpClient is shared by every contestant: keep-alive connections, enough
// of them for the highest concurrency.
var httpClient = &http.Client{
	Timeout: 60 * time.Second,
	Transport: &http.Transport{
		MaxIdleConns:        4096,
		MaxIdleConnsPerHost: 4096,
		IdleConnTimeout:     90 * time.Second,
	},
}

// endpoint is the GraphQL client of url, through the shared connections.
func endpoint(url string) *gqlclient.Client { return &gqlclient.Client{URL: url, HTTP: httpClient} }

// respondAsync asks for our fire-and-forget mode: the answer is ACCEPTED
// as soon as the command is on its topic.
var respondAsync = http.Header{"Prefer": {"respond-async"}}

// receipt is our CommandReceipt.
type receipt struct {
	CommandID string  `json:"commandId"`
	Status    string  `json:"status"`
	Reason    *string `json:"reason"`
}

// client is a person registered through our API.
type client struct {
	ID, Token string
}

const registerMutation = `mutation($in: RegisterInput!) { register(input: $in) { accessToken person { id } } }`

func register(ctx context.Context, url, email, name string) (client, error) {
	var out struct {
		Register struct {
			AccessToken string `json:"accessToken"`
			Person      struct {
				ID string `json:"id"`
			} `json:"person"`
		} `json:"register"`
	}
	req := gqlclient.Request{Query: registerMutation,
		Variables: map[string]any{"in": map[string]any{"email": email, "password": "bench-password", "name": name}}}
	// Sign-ups hash a password each, and the service refuses a burst beyond
	// a short queue with RATE_LIMITED: a client waits as long as it is told
	// (retryAfterSeconds) and tries again (counted in the latency), a few
	// times.
	var err error
	for attempt := 0; ; attempt++ {
		err = endpoint(url).Run(ctx, req, &out)
		var re *gqlclient.ResponseError
		if !errors.As(err, &re) || len(re.Errors) == 0 || re.Errors[0].Code() != "RATE_LIMITED" || attempt == registerAttempts-1 {
			break
		}
		wait := time.Second
		if s, ok := re.Errors[0].Extensions["retryAfterSeconds"].(float64); ok && s > 0 {
			wait = time.Duration(s * float64(time.Second))
		}
		select {
		case <-ctx.Done():
			return client{}, ctx.Err()
		case <-time.After(wait):
		}
	}
	return client{ID: out.Register.Person.ID, Token: out.Register.AccessToken}, err
}

// registerAttempts bounds the retries of a refused sign-up.
const registerAttempts = 10

// Our write mutations, and the peer's equivalents (nested connect).
const (
	oursFollow   = `mutation($v: ID!) { follow(personId: $v) { commandId status reason } }`
	oursInterest = `mutation($v: String!) { addInterest(name: $v) { commandId status reason } }`
	oursReceipt  = `query($id: ID!) { commandReceipt(commandId: $id) { commandId status reason } }`
	peerFollow   = `mutation($a: ID!, $b: ID!, $at: DateTime!) { updatePeople(where: {id: {eq: $a}},
  update: {follows: [{connect: [{where: {node: {id: {eq: $b}}}, edge: {since: $at}}]}]}) { info { relationshipsCreated } } }`
	peerInterest = `mutation($a: ID!, $b: String!, $at: DateTime!) { updatePeople(where: {id: {eq: $a}},
  update: {interests: [{connect: [{where: {node: {name: {eq: $b}}}, edge: {since: $at}}]}]}) { info { relationshipsCreated } } }`
	peerCreate = `mutation($in: [PersonCreateInput!]!) { createPeople(input: $in) { info { nodesCreated } } }`
)

// ourMutation sends follow (even seq) or addInterest (odd seq) as client c
// and returns the receipt.
func ourMutation(ctx context.Context, url string, c client, async bool, follow bool, arg string) (receipt, error) {
	q, field := oursInterest, "addInterest"
	if follow {
		q, field = oursFollow, "follow"
	}
	req := gqlclient.Request{Query: q, Variables: map[string]any{"v": arg}, Token: c.Token}
	if async {
		req.Header = respondAsync
	}
	var out map[string]receipt
	if err := endpoint(url).Run(ctx, req, &out); err != nil {
		return receipt{}, err
	}
	r := out[field]
	if r.Status == "REJECTED" {
		return r, fmt.Errorf("%s rejected: %v", field, *r.Reason)
	}
	return r, nil
}

// peerMutation does the same write through the peer, and checks that it
// created the edge.
func peerMutation(ctx context.Context, url, actor string, follow bool, arg string) error {
	q := peerInterest
	if follow {
		q = peerFollow
	}
	var out struct {
		UpdatePeople struct {
			Info struct {
				RelationshipsCreated int `json:"relationshipsCreated"`
			} `json:"info"`
		} `json:"updatePeople"`
	}
	at := time.Now().UTC().Format(time.RFC3339Nano) // our consumer stamps `since` itself
	req := gqlclient.Request{Query: q, Variables: map[string]any{"a": actor, "b": arg, "at": at}}
	if err := endpoint(url).Run(ctx, req, &out); err != nil {
		return err
	}
	if out.UpdatePeople.Info.RelationshipsCreated != 1 {
		return fmt.Errorf("peer: %d relationships created, want 1", out.UpdatePeople.Info.RelationshipsCreated)
	}
	return nil
}

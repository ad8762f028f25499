package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
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

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// gql posts one GraphQL operation to url. token adds a bearer token;
// async adds "Prefer: respond-async" (our fire-and-forget mode). The data
// is decoded into out (if not nil); any GraphQL error is an error.
func gql(ctx context.Context, url, token string, async bool, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if async {
		req.Header.Set("Prefer", "respond-async")
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("graphql: %s (%v)", r.Errors[0].Message, r.Errors[0].Extensions["code"])
	}
	if len(r.Data) == 0 || string(r.Data) == "null" {
		return errors.New("graphql: no data")
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

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
	err := gql(ctx, url, "", false, registerMutation,
		map[string]any{"in": map[string]any{"email": email, "password": "bench-password", "name": name}}, &out)
	return client{ID: out.Register.Person.ID, Token: out.Register.AccessToken}, err
}

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
	var out map[string]receipt
	if err := gql(ctx, url, c.Token, async, q, map[string]any{"v": arg}, &out); err != nil {
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
	if err := gql(ctx, url, "", false, q, map[string]any{"a": actor, "b": arg, "at": at}, &out); err != nil {
		return err
	}
	if out.UpdatePeople.Info.RelationshipsCreated != 1 {
		return fmt.Errorf("peer: %d relationships created, want 1", out.UpdatePeople.Info.RelationshipsCreated)
	}
	return nil
}

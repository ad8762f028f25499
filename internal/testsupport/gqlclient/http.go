// Package gqlclient speaks to a GraphQL server as its clients do: queries
// and mutations over HTTP (POST), subscriptions over graphql-transport-ws.
// It returns errors and never fails a test itself, so the end-to-end tests
// (through thin wrappers that do) and the benchmark share it.
package gqlclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Client posts operations to one GraphQL endpoint.
type Client struct {
	URL  string       // the endpoint, e.g. http://127.0.0.1:8080/graphql
	HTTP *http.Client // nil: http.DefaultClient
}

// Request is one operation and the credentials it is sent with.
type Request struct {
	Query     string
	Variables map[string]any
	Token     string      // when set, sent as "Authorization: Bearer <Token>"
	Header    http.Header // more headers; each replaces one of the same name
}

// Error is one entry of a response's errors.
type Error struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Code is the error's extensions.code, or "".
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Response is one answer to a Request.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	Status int             `json:"-"` // the HTTP status; 0 when no answer came
	Header http.Header     `json:"-"`
	Body   []byte          `json:"-"` // as it came
}

// Code is the first error's extensions.code, or "" when there is none.
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Code()
}

// ResponseError is an answer with errors, as an error.
type ResponseError struct {
	Status int
	Errors []Error
}

func (e *ResponseError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, x := range e.Errors {
		msgs[i] = fmt.Sprintf("%s (%s)", x.Message, x.Code())
	}
	return "graphql: " + strings.Join(msgs, "; ")
}

// NotGraphQLError is an answer whose body is not a GraphQL response.
type NotGraphQLError struct {
	Status int
	Body   []byte
	Err    error // why the body does not decode
}

func (e *NotGraphQLError) Error() string {
	return fmt.Sprintf("HTTP %d: %v: %.200s", e.Status, e.Err, e.Body)
}

func (e *NotGraphQLError) Unwrap() error { return e.Err }

// Do posts r and returns the answer whatever its HTTP status. The error is
// for an answer that never came (Status 0), or whose body is not a GraphQL
// response (a *NotGraphQLError; Status, Header and Body are still set).
// Errors in the response are not an error here: see Run.
func (c *Client) Do(ctx context.Context, r Request) (Response, error) {
	out, err := c.post(ctx, r)
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(out.Body, &out); err != nil {
		out.Data, out.Errors = nil, nil
		return out, &NotGraphQLError{Status: out.Status, Body: out.Body, Err: err}
	}
	return out, nil
}

// maxPresized bounds the room made for a body from its Content-Length.
const maxPresized = 16 << 20

// post sends r and returns the answer's status, header and body.
func (c *Client) post(ctx context.Context, r Request) (Response, error) {
	body, err := json.Marshal(map[string]any{"query": r.Query, "variables": r.Variables})
	if err != nil {
		return Response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	maps.Copy(req.Header, r.Header)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	// Room for the whole body at once when its length is known (and sane):
	// io.ReadAll grows from 512 bytes, a copy per doubling.
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= maxPresized {
		buf.Grow(int(n) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return Response{}, err
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: buf.Bytes()}, nil
}

// Run posts r and decodes the answer's data into out (unless out is nil).
// Errors in the response are an error (*ResponseError), and so is an
// answer without data. An answer with errors leaves out as it was when
// its errors come before its data, as gqlgen and most servers write them;
// data written before errors is decoded into out first. The body is read
// once (decodeInto): the benchmark's clients run this for every request.
func (c *Client) Run(ctx context.Context, r Request, out any) error {
	resp, err := c.post(ctx, r)
	if err != nil {
		return err
	}
	hasData, errs, dataErr, err := decodeInto(resp.Body, out)
	switch {
	case err != nil:
		return &NotGraphQLError{Status: resp.Status, Body: resp.Body, Err: err}
	case len(errs) > 0:
		return &ResponseError{Status: resp.Status, Errors: errs}
	case !hasData:
		return fmt.Errorf("graphql: HTTP %d without data", resp.Status)
	}
	return dataErr
}

// decodeInto reads a GraphQL response object: a non-null data member into
// out (unless out is nil), errors into errs; other members are skipped.
// dataErr is data that does not fit out; err, a body that is not a
// response, or an out that cannot be decoded into. The body is read by
// jsontext's tokenizer, once: every value is checked, and only data and
// errors are decoded. encoding/json's Decoder scanned a skipped value
// twice, and for the benchmark's clients checking a nested read's answer
// cost more than the gateway's own work for it. Like encoding/json it
// accepts duplicate names and invalid UTF-8; unlike it, it matches member
// names exactly ("data", not "Data"), as GraphQL names them.
func decodeInto(body []byte, out any) (hasData bool, errs []Error, dataErr, err error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	tok, err := dec.ReadToken()
	switch {
	case err != nil:
		return false, nil, nil, fmt.Errorf("not a JSON object: %w", err)
	case tok.Kind() != '{':
		return false, nil, nil, fmt.Errorf("not a JSON object: %v", tok)
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return false, nil, nil, fmt.Errorf("a member's name: %w", err)
		}
		member := name.String() // before ReadValue: the token is valid until the next read
		val, err := dec.ReadValue()
		if err != nil {
			return false, nil, nil, fmt.Errorf("member %.40q: %w", member, err)
		}
		switch member {
		case "data":
			hasData = val.Kind() != 'n'
			// An answer with errors first leaves out as it was.
			if out != nil && len(errs) == 0 {
				if dataErr, err = decodeData(val, out); err != nil {
					return false, nil, nil, err
				}
			}
		case "errors":
			if err := json.Unmarshal(val, &errs); err != nil {
				return false, nil, nil, fmt.Errorf("errors: %w", err)
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return false, nil, nil, fmt.Errorf("the response's end: %w", err)
	}
	if tok, err := dec.ReadToken(); err != io.EOF {
		if err != nil {
			return false, nil, nil, fmt.Errorf("after the response: %w", err)
		}
		return false, nil, nil, fmt.Errorf("after the response: %v", tok)
	}
	return hasData, errs, dataErr, nil
}

// decodeData decodes a data member, already checked, into out. Data that
// does not fit out, by type or by its own UnmarshalJSON (a time that does
// not parse), is dataErr, and the rest of the answer is still read; an
// out that is no pointer is the caller's mistake, err.
func decodeData(val jsontext.Value, out any) (dataErr, err error) {
	err = json.Unmarshal(val, out)
	var invalid *json.InvalidUnmarshalError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &invalid):
		return nil, fmt.Errorf("data: %w", err)
	}
	return fmt.Errorf("decode %.200s: %w", val, err), nil
}

package gqlclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// echo answers with what it was sent: the operation, the Authorization
// and Idempotency-Key headers; "fail" queries get an error, "html" an HTML page.
func echo(w http.ResponseWriter, r *http.Request) {
	var op struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	_ = json.NewDecoder(r.Body).Decode(&op)
	switch op.Query {
	case "fail":
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"errors":[{"message":"no","extensions":{"code":"UNAUTHENTICATED"}}],"data":null}`)
	case "html":
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, `<html>bad gateway</html>`)
	case "null":
		_, _ = io.WriteString(w, `{"data":null}`)
	case "nodata":
		_, _ = io.WriteString(w, `{"extensions":{"data":{"query":"x"}}}`)
	case "partial":
		_, _ = io.WriteString(w, `{"errors":[{"message":"half"}],"data":{"query":"half"}}`)
	case "trailing":
		_, _ = io.WriteString(w, `{"data":{"query":"x"}} {"data":{}}`)
	case "late":
		_, _ = io.WriteString(w, `{"extensions":{"cost":[1,{"a":null}]}, "data" : {"query":"late"}}`)
	default:
		w.Header().Set("X-Seen", "yes")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"query": op.Query, "vars": op.Variables,
			"auth": r.Header.Get("Authorization"), "keys": r.Header.Values("Idempotency-Key"), "type": r.Header.Get("Content-Type")}})
	}
}

func TestDoSendsTokenHeadersAndVariables(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	c := &Client{URL: srv.URL}
	r, err := c.Do(context.Background(), Request{Query: "{ a }", Variables: map[string]any{"x": 1.0}, Token: "tok",
		Header: http.Header{"Idempotency-Key": {"k1", "k2"}}})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Query, Auth, Type string
		Vars              map[string]any
		Keys              []string
	}
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatal(err)
	}
	if r.Status != 200 || r.Header.Get("X-Seen") != "yes" || got.Query != "{ a }" || got.Auth != "Bearer tok" ||
		got.Type != "application/json" || got.Vars["x"] != 1.0 || len(got.Keys) != 2 || r.Code() != "" {
		t.Fatalf("Do: %d %+v", r.Status, got)
	}
	// A header replaces the token's.
	r, _ = c.Do(context.Background(), Request{Query: "{ a }", Token: "tok", Header: http.Header{"Authorization": {"Basic x"}}})
	if err := json.Unmarshal(r.Data, &got); err != nil || got.Auth != "Basic x" {
		t.Fatalf("header over token: %+v %v", got, err)
	}
}

func TestDoReturnsErrorsAndStatusWithoutFailing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	c := &Client{URL: srv.URL}
	r, err := c.Do(context.Background(), Request{Query: "fail"})
	if err != nil || r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" || r.Errors[0].Message != "no" {
		t.Fatalf("errors: %+v %v", r, err)
	}
	r, err = c.Do(context.Background(), Request{Query: "html"})
	var ng *NotGraphQLError
	if !errors.As(err, &ng) || r.Status != http.StatusBadGateway || string(r.Body) != "<html>bad gateway</html>" || r.Data != nil {
		t.Fatalf("not GraphQL: %+v %v", r, err)
	}
	srv.Close()
	if r, err := c.Do(context.Background(), Request{Query: "{ a }"}); err == nil || r.Status != 0 {
		t.Fatalf("no server: %+v %v", r, err)
	}
}

func TestRunDecodesDataAndFailsOnErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	c := &Client{URL: srv.URL}
	var out struct{ Query string }
	if err := c.Run(context.Background(), Request{Query: "{ b }"}, &out); err != nil || out.Query != "{ b }" {
		t.Fatalf("Run: %+v %v", out, err)
	}
	err := c.Run(context.Background(), Request{Query: "fail"}, &out)
	var re *ResponseError
	if !errors.As(err, &re) || re.Status != http.StatusUnauthorized || re.Errors[0].Code() != "UNAUTHENTICATED" ||
		err.Error() != "graphql: no (UNAUTHENTICATED)" {
		t.Fatalf("Run with errors: %v", err)
	}
	if err := c.Run(context.Background(), Request{Query: "null"}, nil); err == nil {
		t.Fatal("Run without data: no error")
	}
	// Data is found among other members, in any order; a data member
	// nested in another is not the answer's.
	out.Query = ""
	if err := c.Run(context.Background(), Request{Query: "late"}, &out); err != nil || out.Query != "late" {
		t.Fatalf("Run, data after extensions: %+v %v", out, err)
	}
	out.Query = ""
	if err := c.Run(context.Background(), Request{Query: "nodata"}, &out); err == nil || out.Query != "" {
		t.Fatalf("Run, data only inside extensions: %+v %v", out, err)
	}
	var ng *NotGraphQLError
	if err := c.Run(context.Background(), Request{Query: "html"}, &out); !errors.As(err, &ng) || ng.Status != http.StatusBadGateway {
		t.Fatalf("Run, not GraphQL: %v", err)
	}
	// Data that does not fit out is an error of its own, not a body that
	// is not GraphQL, and errors in the answer still come first.
	var wrong struct{ Query int }
	err = c.Run(context.Background(), Request{Query: "{ c }"}, &wrong)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || errors.As(err, &ng) {
		t.Fatalf("Run, data of another type: %v", err)
	}
	if err := c.Run(context.Background(), Request{Query: "fail"}, &wrong); !errors.As(err, &re) {
		t.Fatalf("Run with errors, into a mistyped out: %v", err)
	}
	// Partial data beside errors does not reach out; a body with more
	// after the response is not one.
	out.Query = "kept"
	if err := c.Run(context.Background(), Request{Query: "partial"}, &out); !errors.As(err, &re) || out.Query != "kept" {
		t.Fatalf("Run, errors then data: %+v %v", out, err)
	}
	if err := c.Run(context.Background(), Request{Query: "trailing"}, &out); !errors.As(err, &ng) {
		t.Fatalf("Run, trailing bytes: %v", err)
	}
}

// BenchmarkDecodeInto checks an answer the size of the benchmark's nested
// read (20 persons with their interests), as its clients do for every
// request (out nil), and decodes one (out set).
func BenchmarkDecodeInto(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"data":{"person":{"id":"p","name":"Ada","following":{"edges":[`)
	for i := range 20 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"node":{"id":"01a24a1b-0000-4000-8000-%012x","name":"person %d","interests":[`, i, i)
		for k := range 12 {
			if k > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, `{"name":"btag-t%d"}`, i*100+k)
		}
		sb.WriteString("]}}")
	}
	sb.WriteString(`]}}}}`)
	body := []byte(sb.String())
	for _, tc := range []struct {
		name string
		out  func() any
	}{{"checked", func() any { return nil }}, {"decoded", func() any { return new(any) }}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if hasData, errs, dataErr, err := decodeInto(body, tc.out()); !hasData || errs != nil || dataErr != nil || err != nil {
					b.Fatal(hasData, errs, dataErr, err)
				}
			}
		})
	}
}

// TestDecodeIntoAcceptsWhatEncodingJSONAccepts: invalid UTF-8 and
// duplicate names, which encoding/json takes, do not make an answer "not
// GraphQL"; an out that is no pointer is the caller's error, not data of
// the wrong type.
func TestDecodeIntoAcceptsWhatEncodingJSONAccepts(t *testing.T) {
	var out struct{ A string }
	hasData, errs, dataErr, err := decodeInto([]byte("{\"extensions\":{\"x\":\"\xff\",\"x\":1},\"data\":{\"A\":\"b\xffc\"}}"), &out)
	if !hasData || errs != nil || dataErr != nil || err != nil || out.A != "b\uFFFDc" {
		t.Fatalf("decodeInto = %v %v %v %v, out %+v", hasData, errs, dataErr, err, out)
	}
	if _, _, dataErr, err := decodeInto([]byte(`{"data":{"A":"b"}}`), out); err == nil || dataErr != nil {
		t.Fatalf("out no pointer: dataErr %v, err %v", dataErr, err)
	}
	// Data its own UnmarshalJSON refuses is data that does not fit, and
	// the errors after it are still read.
	var timed struct{ When time.Time }
	_, errs, dataErr, err = decodeInto([]byte(`{"data":{"When":"nope"},"errors":[{"message":"no"}]}`), &timed)
	if dataErr == nil || err != nil || len(errs) != 1 {
		t.Fatalf("unparsable time: errs %v, dataErr %v, err %v", errs, dataErr, err)
	}
}

package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// allowedMethods is what /graphql serves: GET for queries (cacheable),
// POST for everything, OPTIONS. WebSockets upgrade a GET.
const allowedMethods = "GET, POST, OPTIONS"

// httpRules enforces the GraphQL-over-HTTP rules gqlgen's transports leave
// to us: it answers every request gqlgen would call "transport not
// supported" with a coded JSON error, and checks a POST body's shape so
// that a malformed one is refused without echoing it or naming Go types.
func httpRules(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r) // WebSocket: the transport checks the rest
			return
		}
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			if q.Get("query") == "" && q.Get("extensions") == "" {
				writeHTTPError(w, r, http.StatusBadRequest, CodeBadRequest, "a GET request needs a query parameter: /graphql?query={...}")
				return
			}
		case http.MethodPost:
			if !checkPOST(w, r) {
				return
			}
		case http.MethodOptions:
			w.Header().Set("Allow", allowedMethods)
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			w.Header().Set("Allow", allowedMethods)
			writeHTTPError(w, r, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				fmt.Sprintf("method %s is not served: use POST (or GET for queries)", r.Method))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkPOST refuses a POST that is not a JSON GraphQL request and rewinds
// the body for gqlgen. The body is already bounded by limitBody.
func checkPOST(w http.ResponseWriter, r *http.Request) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != mediaJSON {
		writeHTTPError(w, r, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
			"send the request body as JSON with Content-Type: application/json")
		return false
	}
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeHTTPError(w, r, http.StatusRequestEntityTooLarge, CodeBadRequest,
			fmt.Sprintf("the request body exceeds %d bytes", tooLarge.Limit))
		return false
	case err != nil:
		writeHTTPError(w, r, http.StatusBadRequest, CodeBadRequest, "the request body could not be read")
		return false
	}
	if msg := checkRequestShape(body); msg != "" {
		writeHTTPError(w, r, http.StatusBadRequest, CodeBadRequest, msg)
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}

const requestShape = `the body must be a JSON object {"query": string, "operationName": string, "variables": object, "extensions": object}`

// checkRequestShape returns what is wrong with a request body, or "". Its
// messages never quote the body: it may hold passwords.
func checkRequestShape(body []byte) string {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Sprintf("the body is not valid JSON (at byte %d); %s", jsonOffset(err), requestShape)
		}
		return requestShape
	}
	for name, want := range map[string]byte{"query": '"', "operationName": '"', "variables": '{', "extensions": '{'} {
		v, ok := fields[name]
		if !ok || string(v) == "null" {
			continue
		}
		if len(v) == 0 || v[0] != want {
			return fmt.Sprintf("%q has the wrong type; %s", name, requestShape)
		}
	}
	// Decode as gqlgen will, with the same types: JSON keys match fields
	// case-insensitively and the last duplicate wins, so {"Variables": [1]}
	// passes the check above and would reach gqlgen's decoder, whose error
	// quotes the whole body.
	var probe struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
		Extensions    map[string]any `json:"extensions"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return requestShape
	}
	return ""
}

func jsonOffset(err error) int64 {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return syntax.Offset
	}
	return 0
}

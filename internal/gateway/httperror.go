package gateway

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
)

// Transport-level codes: the request never reached GraphQL execution.
// Stable like the others in errors.go.
const (
	CodeBadRequest           = "BAD_REQUEST"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
)

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// responseMediaType is application/graphql-response+json when the client
// asks for it (GraphQL over HTTP), else application/json, which every
// client understands.
func responseMediaType(r *http.Request) string {
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		case mediaJSON:
			return mediaJSON
		}
	}
	return mediaJSON
}

type httpError struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

// writeHTTPError answers a request refused before execution with a GraphQL
// response body, so clients read every failure the same way: one error
// with extensions.code.
func writeHTTPError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	body, _ := json.Marshal(map[string][]httpError{"errors": {{Message: msg, Extensions: map[string]string{"code": code}}}})
	w.Header().Set("Content-Type", responseMediaType(r))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

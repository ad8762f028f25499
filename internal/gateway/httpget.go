package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// getTransport serves queries over GET so that they can be cached
// (GraphQL over HTTP). gqlgen's transport.GET answers a mutation with an
// uncoded 406; the specification asks for 405 with "Allow: POST", and a
// mutation over GET would be a CSRF hole, so it is refused before it runs.
type getTransport struct{}

var _ graphql.Transport = getTransport{}

func (getTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	q := r.URL.Query()
	raw := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	raw.ReadTime.Start = graphql.Now()
	for name, into := range map[string]*map[string]any{"variables": &raw.Variables, "extensions": &raw.Extensions} {
		if v := q.Get(name); v != "" {
			if err := decodeObject(v, into); err != nil {
				writeHTTPError(w, r, http.StatusBadRequest, CodeBadRequest, "the "+name+" parameter must be a JSON object")
				return
			}
		}
	}
	raw.ReadTime.End = graphql.Now()

	media := responseMediaType(r)
	// Over GET a subscription is a method error (405, below), not the
	// transport error refuseUnstreamable gives a POST.
	opCtx, errs := exec.CreateOperationContext(context.WithValue(ctx, overGETKey{}, true), raw)
	if errs != nil {
		w.Header().Set("Content-Type", media)
		answerRequestErrors(ctx, w, exec, opCtx, errs, media)
		return
	}
	if opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		writeHTTPError(w, r, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			"only queries may be sent with GET: send "+string(opCtx.Operation.Operation)+"s with POST")
		return
	}
	w.Header().Set("Content-Type", media)
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeResponse(w, responses(ctx))
}

// overGETKey marks an operation context created for a GET request.
type overGETKey struct{}

func decodeObject(s string, into *map[string]any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber() // large integers stay exact, as over POST
	return dec.Decode(into)
}

// statusForErrors follows gqlgen's POST transport, so GET and POST answer
// the same request error alike.
func statusForErrors(media string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if media == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// answerRequestErrors answers, over GET and POST alike, a request whose
// operation could not be made (parse, validation, limits): the status for
// its media type, and the errors as the executor presents them.
func answerRequestErrors(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, opCtx *graphql.OperationContext, errs gqlerror.List, media string) {
	w.WriteHeader(statusForErrors(media, errs))
	writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
}

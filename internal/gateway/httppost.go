package gateway

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// postTransport serves GraphQL over POST (application/json) as gqlgen's
// transport.POST does, and writes its answer with writeResponse, which
// does not re-validate the data (gqlgen's writer does, with json.Marshal).
// Media types and statuses are getTransport's: the first of
// application/graphql-response+json and application/json the client
// accepts, else application/json, where gqlgen answers the former to an
// Accept it does not know and the latter to a wildcard listed first.
// httpRules has read, bounded and checked the body (checkPOST) before it
// comes here, so a body gqlgen's decoder refuses does not reach it.
type postTransport struct{}

var _ graphql.Transport = postTransport{}

func (postTransport) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Upgrade") != "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == mediaJSON
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := responseMediaType(r)
	w.Header().Set("Content-Type", media)
	raw := &graphql.RawParams{}
	raw.ReadTime.Start = graphql.Now()
	dec := json.NewDecoder(r.Body)
	dec.UseNumber() // large integers stay exact
	if err := dec.Decode(raw); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		// Never the body in the message: it may hold passwords.
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{{Message: requestShape,
			Extensions: map[string]any{"code": CodeBadRequest}}}))
		return
	}
	raw.Headers = r.Header
	raw.ReadTime.End = graphql.Now()
	opCtx, errs := exec.CreateOperationContext(ctx, raw)
	if errs != nil {
		answerRequestErrors(ctx, w, exec, opCtx, errs, media)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeResponse(w, responses(ctx))
}

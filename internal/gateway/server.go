// Package gateway is the HTTP side of the service: GraphQL over POST and
// WebSocket (graphql-transport-ws and the legacy graphql-ws), the web app
// and the GraphiQL playground (embedded, internal/webapp), and health
// endpoints. It authenticates every request and bounds what a request may
// cost; resolvers do the rest.
package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/graph"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/webapp"
	"github.com/interestgraph/interestgraph/resolvers"
)

// Verifier checks access tokens.
type Verifier interface {
	Verify(ctx context.Context, token string) (caller.Identity, error)
}

// KeyPublisher serves the public keys and the OpenID metadata.
type KeyPublisher interface {
	JWKS() []byte
	Discovery() []byte
}

// Config configures the gateway.
type Config struct {
	Limits         Limits
	Introspection  bool
	AllowedOrigins []string // host patterns of browser origins allowed to open WebSockets; same-origin always is
	WS             WSLimits
	CORSOrigins    []string     // browser origins allowed to call the API (CORS); none: same-origin only
	Metrics        http.Handler // served at /metrics; nil when METRICS_ADDR serves them elsewhere
	// GQLGenOnly turns direct answers off (directAnswers): every query is
	// executed by gqlgen, field by field. Tests and benchmarks compare the
	// two.
	GQLGenOnly bool
}

// Deps are the gateway's collaborators.
type Deps struct {
	Resolvers *resolvers.Resolver
	Verifier  Verifier
	Keys      KeyPublisher // nil: no /.well-known endpoints
	Ready     func(context.Context) error
	Log       *slog.Logger
	// Erased, if set, refuses every operation of a deleted person, also on
	// a WebSocket authenticated before the deletion.
	Erased *Erased
}

// NewHandler returns the HTTP handler of the gateway.
func NewHandler(cfg Config, d Deps) *Handler {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	ws := cfg.WS.withDefaults()
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: d.Resolvers})
	srv := handler.New(schema)
	open := newOpenSockets()
	// Server-sent events first: it claims requests that accept
	// text/event-stream, which the other HTTP transports would also take.
	srv.AddTransport(sseTransport{writeTimeout: ws.WriteTimeout, keepAlive: 15 * time.Second})
	srv.AddTransport(getTransport{})  // queries only; OPTIONS and refusals: httpRules
	srv.AddTransport(postTransport{}) // gqlgen's, with a cheaper writer (response.go)
	auth := initAuth{v: d.Verifier, log: d.Log}
	accept := coderws.AcceptOptions{OriginPatterns: cfg.AllowedOrigins}
	groups := newGroups(d.Log)
	srv.AddTransport(&wsTransport{accept: accept, limits: ws, open: open, groups: groups,
		auth: auth, erased: d.Erased, log: d.Log, initTimeout: 10 * time.Second, pingInterval: 15 * time.Second})
	// The legacy graphql-ws protocol (and sockets that name no protocol).
	srv.AddTransport(&transport.Websocket{
		// Browsers may open a WebSocket only from the same origin or from a
		// configured host pattern: no cross-site WebSocket hijacking.
		// guardedImplementation adds the per-socket limits and write deadline.
		Implementation: expiringImplementation{guardedImplementation{
			accept: accept, limits: ws, open: open}},
		InitFunc:              wsInit(auth),
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: 15 * time.Second,
		PingPongInterval:      15 * time.Second,
		// Larger messages close the socket with 1009 (coder/websocket).
		PayloadReadLimit: &maxWSMessage,
	})
	srv.Use(requestMetrics{}) // first: it also sees requests the others refuse
	srv.Use(operationTracing{})
	validated := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(validated)
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(selectionCap{maxTokens: cfg.Limits.MaxTokens, validated: validated}) // before validation, which is quadratic in repeated fields
	srv.Use(refuseUnstreamable{})                                                // a POST subscription is refused before it is costed
	srv.Use(&queryLimit{l: cfg.Limits})
	srv.Use(streamEnds{}) // a subscriber that fell behind gets an error event with its cursor
	// Fresh dataloaders for every response: each query, mutation and each
	// event of a subscription reads current data, and a failed or empty
	// load is not cached for the life of a WebSocket.
	reader := d.Resolvers.App.Queries.Loaders()
	if d.Erased != nil {
		srv.AroundOperations(refuseErasedOperations(d.Erased))
	}
	if !cfg.GQLGenOnly {
		srv.AroundOperations(directAnswers(d.Resolvers)) // last: innermost
	}
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(resolvers.WithLoaders(ctx, reader))
	})
	srv.SetErrorPresenter(presentError(d.Log))
	srv.SetRecoverFunc(recoverFunc(d.Log))

	mux := http.NewServeMux()
	mux.Handle("/graphql", withTraceContext(withCORS(cfg.CORSOrigins, checkWSOrigin(cfg.AllowedOrigins, admitSockets(newSockets(ws),
		withWSState(limitBody(cfg.Limits.MaxBodyBytes, httpRules(authenticate(d.Verifier, d.Log, srv)))))))))
	webapp.Mount(mux) // the app at /app/, GraphiQL at /: embedded, same-origin only
	mountOperations(mux, cfg, d)
	return &Handler{Handler: mux, sockets: open, groups: groups}
}

// mountOperations serves the public keys, metrics and health checks.
func mountOperations(mux *http.ServeMux, cfg Config, d Deps) {
	if d.Keys != nil {
		mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/jwk-set+json")
			w.Header().Set("Cache-Control", "public, max-age=300")
			_, _ = w.Write(d.Keys.JWKS())
		})
		mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(d.Keys.Discovery())
		})
	}
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := d.Ready(ctx); err != nil {
			d.Log.Warn("not ready", "err", err)
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
}

func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// bearer extracts the token of an "Authorization: Bearer <token>" value.
func bearer(v string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// authenticate puts the verified identity into the request context.
// Requests without a token go on anonymously; operations that need
// identity refuse them. A token that is presented but bad refuses the
// whole request (RFC 6750): answering it anonymously would hide from the
// client that it must refresh or sign in again. The token is never logged.
func authenticate(v Verifier, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ctx = caller.WithClientAddr(ctx, clientKey(r.RemoteAddr))
		if h := r.Header.Get("Authorization"); h != "" {
			id, err := verifyHeader(ctx, v, log, h)
			if err != nil {
				refuseToken(w, r, log, err)
				return
			}
			ctx = caller.WithIdentity(ctx, id)
		}
		if strings.Contains(strings.ToLower(r.Header.Get("Prefer")), "respond-async") {
			ctx = app.WithoutWaiting(ctx)
		}
		if keys := r.Header.Values("Idempotency-Key"); keys != nil {
			ctx = app.WithIdempotencyKey(ctx, keys)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// verifyHeader checks an Authorization value; every refusal is
// KindUnauthenticated unless the verifier itself failed.
func verifyHeader(ctx context.Context, v Verifier, log *slog.Logger, header string) (caller.Identity, error) {
	tok, ok := bearer(header)
	if !ok {
		return caller.Identity{}, errUnauthenticated("invalid token: the Authorization header must be \"Bearer <token>\"")
	}
	id, err := v.Verify(ctx, tok)
	if err != nil {
		log.InfoContext(ctx, "token refused", "reason", err.Error())
		return caller.Identity{}, err
	}
	return id, nil
}

// refuseToken answers a request whose token was refused: 401 with
// WWW-Authenticate (RFC 6750 §3) and an UNAUTHENTICATED body saying
// whether the token expired. A verifier that could not decide (key set
// unreachable) is not the client's fault: 503.
func refuseToken(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if domain.KindOf(err) != domain.KindUnauthenticated {
		log.ErrorContext(r.Context(), "token verification failed", "err", err)
		w.Header().Set("Retry-After", "5")
		writeHTTPError(w, r, http.StatusServiceUnavailable, CodeUnavailable, "authentication is unavailable; try again shortly")
		return
	}
	desc := "invalid token"
	if errors.Is(err, caller.ErrTokenExpired) {
		desc = "token expired"
	}
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
	writeHTTPError(w, r, http.StatusUnauthorized, CodeUnauthenticated, err.Error())
}

// initAuth authenticates a WebSocket's connection_init payload
// ("Authorization" or "authorization", same value as the HTTP header). A
// connection without a token is anonymous, or has the identity of the
// upgrade request's header; one with an expired token is refused with
// 4401 (the client refreshes), one with an invalid token with 4403, both
// with a reason the client sees, and 1013 when the verifier could not
// decide. The identity's expiry is returned: the socket closes with 4401
// then.
type initAuth struct {
	v   Verifier
	log *slog.Logger
}

// initRefusal is the close code and reason of a refused connection_init.
type initRefusal struct {
	code   int
	reason string
	err    error
}

func (a initAuth) identify(ctx context.Context, p map[string]any) (context.Context, time.Time, *initRefusal) {
	h := transport.InitPayload(p).Authorization()
	if h == "" {
		if id, ok := caller.FromContext(ctx); ok {
			return ctx, id.ExpiresAt, nil
		}
		return ctx, time.Time{}, nil
	}
	id, err := verifyHeader(ctx, a.v, a.log, h)
	if err == nil {
		return caller.WithIdentity(ctx, id), id.ExpiresAt, nil
	}
	r := &initRefusal{code: 4403, reason: "invalid token", err: err}
	switch {
	case errors.Is(err, caller.ErrTokenExpired):
		r.code, r.reason = closeUnauthorized, "token expired"
	case domain.KindOf(err) != domain.KindUnauthenticated:
		// The verifier could not decide (key set unreachable): the
		// client's token may be fine, so "try again", not "invalid".
		r.code, r.reason = 1013, "authentication is unavailable; try again shortly"
	}
	return ctx, time.Time{}, r
}

// wsInit is initAuth for gqlgen's transport (legacy graphql-ws), which
// writes the close frame from the context's code and reason and ends the
// socket when the returned context ends.
func wsInit(a initAuth) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		ctx, expires, refusal := a.identify(ctx, p)
		if refusal != nil {
			ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, refusal.code), refusal.reason)
			return ctx, nil, refusal.err
		}
		if !expires.IsZero() {
			ctx = expireAt(ctx, expires)
		}
		return ctx, nil, nil
	}
}

func errUnauthenticated(msg string) error {
	return &domain.Error{Kind: domain.KindUnauthenticated, Message: msg}
}

package identity

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// The auth component's HTTP API, for gateways (its only clients): JSON
// bodies, a shared secret as bearer token, and the client's address passed
// along for rate limits. The .well-known endpoints are public.
//
//	POST /auth/register   {email, password, name, clientAddr}  -> Session
//	POST /auth/login      {email, password, clientAddr}        -> Session
//	POST /auth/refresh    {refreshToken, clientAddr}           -> Session
//	POST /auth/logout     {refreshToken}                       -> 204
//	POST /auth/abandon    {refreshToken}                       -> 204 (undo a new registration)
//	POST /auth/check-password {personId, password, clientAddr} -> 204 (before deleteAccount)
//	POST /auth/external   {provider, idToken, clientAddr}      -> Session
//	POST /oauth/introspect  token=<reference> (form)           -> RFC 7662 + jwt
//	GET  /.well-known/jwks.json, /.well-known/openid-configuration

type request struct {
	Email        string `json:"email"`
	Password     string `json:"password"`
	Name         string `json:"name"`
	RefreshToken string `json:"refreshToken"`
	Provider     string `json:"provider"`
	IDToken      string `json:"idToken"`
	ClientAddr   string `json:"clientAddr"`
	PersonID     string `json:"personId"`
}

// wireSession is a Session as the API sends it. Its fields are Session's,
// in the same order, so that each converts to the other.
type wireSession struct {
	AccessToken  string    `json:"accessToken"` // a JWT, or a reference to one with OpaqueTokens
	ExpiresAt    time.Time `json:"expiresAt"`
	IDToken      string    `json:"idToken"`
	RefreshToken string    `json:"refreshToken"`
	PersonID     string    `json:"personId"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	CreatedAt    time.Time `json:"createdAt"`
	Created      bool      `json:"created"`
}

type wireError struct {
	Kind       string `json:"kind"`
	Message    string `json:"message"`
	Field      string `json:"field,omitempty"`
	RetryAfter int    `json:"retryAfterSeconds,omitempty"`
}

var kindNames = map[domain.Kind]string{
	domain.KindInvalid: "INVALID", domain.KindNotFound: "NOT_FOUND", domain.KindAlreadyExists: "ALREADY_EXISTS",
	domain.KindUnauthenticated: "UNAUTHENTICATED", domain.KindForbidden: "FORBIDDEN", domain.KindRateLimited: "RATE_LIMITED",
}

var kindStatus = map[domain.Kind]int{
	domain.KindInvalid: 400, domain.KindNotFound: 404, domain.KindAlreadyExists: 409,
	domain.KindUnauthenticated: 401, domain.KindForbidden: 403, domain.KindRateLimited: 429,
}

// KeyPublisher serves the public keys of the component's tokens and the
// OpenID metadata (auth.Keys).
type KeyPublisher interface {
	JWKS() []byte
	Discovery() []byte
}

// Handler serves the component s, and the keys of its tokens. secret
// authenticates the gateways.
func Handler(s *Service, keys KeyPublisher, secret string, log *slog.Logger) (http.Handler, error) {
	if s == nil || keys == nil {
		return nil, errors.New("identity: the component and its keys are required")
	}
	if len(secret) < 16 {
		return nil, errors.New("identity: the shared secret must be at least 16 characters")
	}
	mux := http.NewServeMux()
	session := func(fn func(context.Context, request) (Session, error)) http.HandlerFunc {
		return guarded(secret, log, func(w http.ResponseWriter, r *http.Request, req request) {
			sess, err := fn(caller.WithClientAddr(r.Context(), req.ClientAddr), req)
			if err != nil {
				writeError(w, log, err)
				return
			}
			writeJSON(w, http.StatusOK, wireSession(sess))
		})
	}
	mux.Handle("POST /auth/register", session(func(ctx context.Context, q request) (Session, error) {
		return s.Register(ctx, q.Email, q.Password, q.Name)
	}))
	mux.Handle("POST /auth/login", session(func(ctx context.Context, q request) (Session, error) { return s.Login(ctx, q.Email, q.Password) }))
	mux.Handle("POST /auth/refresh", session(func(ctx context.Context, q request) (Session, error) { return s.Refresh(ctx, q.RefreshToken) }))
	mux.Handle("POST /auth/external", session(func(ctx context.Context, q request) (Session, error) { return s.External(ctx, q.Provider, q.IDToken) }))
	noContent := func(fn func(context.Context, string) error) http.HandlerFunc {
		return guarded(secret, log, func(w http.ResponseWriter, r *http.Request, q request) {
			if err := fn(r.Context(), q.RefreshToken); err != nil {
				writeError(w, log, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
	mux.Handle("POST /auth/logout", noContent(s.Logout))
	mux.Handle("POST /auth/abandon", noContent(s.Abandon))
	mux.Handle("POST /auth/check-password", guarded(secret, log, func(w http.ResponseWriter, r *http.Request, q request) {
		if err := s.CheckPassword(caller.WithClientAddr(r.Context(), q.ClientAddr), q.PersonID, q.Password); err != nil {
			writeError(w, log, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("POST /oauth/introspect", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r, secret) {
			writeError(w, log, &domain.Error{Kind: domain.KindUnauthenticated, Message: "gateway credentials required"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		in, err := s.Introspect(r.Context(), r.PostFormValue("token"))
		if err != nil {
			writeError(w, log, err)
			return
		}
		writeJSON(w, http.StatusOK, in)
	})
	mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(keys.JWKS())
	})
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(keys.Discovery())
	})
	return mux, nil
}

func authorized(r *http.Request, secret string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(secret)) == 1
}

func guarded(secret string, log *slog.Logger, fn func(http.ResponseWriter, *http.Request, request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r, secret) {
			writeError(w, log, &domain.Error{Kind: domain.KindUnauthenticated, Message: "gateway credentials required"})
			return
		}
		var req request
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
			writeError(w, log, domain.Invalid("body", "malformed JSON"))
			return
		}
		fn(w, r, req)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		log.Error("auth component failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]wireError{"error": {Kind: "INTERNAL", Message: "internal error"}})
		return
	}
	we := wireError{Kind: kindNames[de.Kind], Message: de.Message, Field: de.Field, RetryAfter: int(math.Ceil(de.RetryAfter.Seconds()))}
	writeJSON(w, kindStatus[de.Kind], map[string]wireError{"error": we})
}

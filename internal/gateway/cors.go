package gateway

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/rs/cors"
)

// withCORS lets pages on the configured origins call the API (and read its
// error headers). With no origins configured it adds nothing: rs/cors would
// otherwise allow every origin. Credentials (cookies) are never allowed:
// the API authenticates with bearer tokens, which need none, and a
// credentialed "*" would let any site act as the signed-in user.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Accept", "Prefer", "Idempotency-Key"},
		ExposedHeaders:   []string{"WWW-Authenticate", "Retry-After"},
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler(next)
}

// checkWSOrigin refuses a WebSocket upgrade from a foreign origin with one
// JSON response. Left to the WebSocket library, the refusal is a plain-text
// 403 followed by gqlgen's own JSON error on the same response. The rule is
// coder/websocket's (same host, or a pattern matching the host, or the
// scheme://host when the pattern has a scheme), which still runs after us.
func checkWSOrigin(patterns []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" && !originAllowed(r, patterns) {
			writeHTTPError(w, r, http.StatusForbidden, CodeForbidden,
				"this origin may not open WebSockets: add it to WS_ALLOWED_ORIGINS (or CORS_ALLOWED_ORIGINS)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func originAllowed(r *http.Request, patterns []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // not a browser: nothing to hijack
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(r.Host, u.Host) {
		return true
	}
	for _, p := range patterns {
		target := u.Host
		if strings.Contains(p, "://") {
			target = u.Scheme + "://" + u.Host
		}
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(target)); ok {
			return true
		}
	}
	return false
}

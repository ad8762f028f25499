package identity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// Client talks to an auth component running as its own process. It
// implements what the application needs of the component (app.Identity)
// and the phantom verifier's Introspector, and turns the component's
// errors back into domain errors with the same kinds.
type Client struct {
	base, secret string
	http         *http.Client
}

// NewClient returns a client of the component at base (e.g.
// http://127.0.0.1:8081).
func NewClient(base, secret string) *Client {
	return &Client{base: strings.TrimRight(base, "/"), secret: secret, http: &http.Client{Timeout: 10 * time.Second}}
}

func (c *Client) post(ctx context.Context, path string, body io.Reader, contentType string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+c.secret)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("auth component: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		var e struct{ Error wireError }
		if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e); err != nil || e.Error.Kind == "" || e.Error.Kind == "INTERNAL" {
			return fmt.Errorf("auth component: status %d", resp.StatusCode)
		}
		for k, name := range kindNames {
			if name == e.Error.Kind {
				return &domain.Error{Kind: k, Field: e.Error.Field, Message: e.Error.Message, RetryAfter: time.Duration(e.Error.RetryAfter) * time.Second}
			}
		}
		return fmt.Errorf("auth component: %s", e.Error.Kind)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out)
}

func (c *Client) session(ctx context.Context, path string, req request) (Session, error) {
	req.ClientAddr = caller.ClientAddr(ctx)
	raw, _ := json.Marshal(req)
	var s wireSession
	err := c.post(ctx, path, bytes.NewReader(raw), "application/json", &s)
	return Session(s), err
}

// Register implements the application's Identity.
func (c *Client) Register(ctx context.Context, email, password, name string) (Session, error) {
	return c.session(ctx, "/auth/register", request{Email: email, Password: password, Name: name})
}

// Login implements the application's Identity.
func (c *Client) Login(ctx context.Context, email, password string) (Session, error) {
	return c.session(ctx, "/auth/login", request{Email: email, Password: password})
}

// Refresh implements the application's Identity.
func (c *Client) Refresh(ctx context.Context, token string) (Session, error) {
	return c.session(ctx, "/auth/refresh", request{RefreshToken: token})
}

// External implements the application's Identity.
func (c *Client) External(ctx context.Context, provider, idToken string) (Session, error) {
	return c.session(ctx, "/auth/external", request{Provider: provider, IDToken: idToken})
}

// Logout implements the application's Identity.
func (c *Client) Logout(ctx context.Context, token string) error {
	raw, _ := json.Marshal(request{RefreshToken: token})
	return c.post(ctx, "/auth/logout", bytes.NewReader(raw), "application/json", nil)
}

// Abandon implements the application's Identity.
func (c *Client) Abandon(ctx context.Context, token string) error {
	raw, _ := json.Marshal(request{RefreshToken: token})
	return c.post(ctx, "/auth/abandon", bytes.NewReader(raw), "application/json", nil)
}

// Introspect implements Introspector (RFC 7662: a form with the token).
func (c *Client) Introspect(ctx context.Context, ref string) (Introspection, error) {
	var in Introspection
	err := c.post(ctx, "/oauth/introspect", strings.NewReader(url.Values{"token": {ref}}.Encode()), "application/x-www-form-urlencoded", &in)
	return in, err
}

// JWKSURL is where the component publishes its keys.
func (c *Client) JWKSURL() string { return c.base + "/.well-known/jwks.json" }

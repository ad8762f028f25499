package identity

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/ratelimit"
)

// limits bound credential guessing: per account and per client address,
// for login and refresh alike.
type limits struct {
	loginAccount, loginAddr, refreshToken, refreshAddr, signupAddr *ratelimit.Limiter
}

func newLimits(signupsPerMinute int) limits {
	return limits{
		signupAddr:   ratelimit.New(signupsPerMinute, time.Minute, 0),
		loginAccount: ratelimit.New(5, time.Minute, 0),
		loginAddr:    ratelimit.New(20, time.Minute, 0),
		refreshToken: ratelimit.New(5, time.Minute, 0),
		refreshAddr:  ratelimit.New(30, time.Minute, 0),
	}
}

func (l limits) login(ctx context.Context, email string) error {
	return check(l.loginAddr, limitAddr(ctx), l.loginAccount, emailKey(email))
}

// Keys for what no real client sends: every such input shares one bucket,
// so varying it neither grows a table nor escapes the limit.
const (
	invalidEmail = "acct-invalid"
	invalidAddr  = "addr-invalid"
	// maxAddrLen fits any textual IP address, IPv6 with a zone included.
	maxAddrLen = 64
)

// emailKey normalises email as the account lookup does (trimmed, lower
// case), checking its length before anything is copied.
func emailKey(email string) string {
	email = strings.TrimSpace(email)
	if email == "" || len(email) > domain.MaxEmailLen {
		return invalidEmail
	}
	return "acct:" + strings.ToLower(email)
}

func limitAddr(ctx context.Context) string {
	a := caller.ClientAddr(ctx)
	if len(a) > maxAddrLen {
		return invalidAddr
	}
	return "addr:" + a
}

// external limits provider sign-ins per client address only: a signed
// token cannot be guessed, and the account is unknown until it is checked.
func (l limits) external(ctx context.Context) error {
	if ok, wait := l.loginAddr.Allow(limitAddr(ctx)); !ok {
		return rateLimited(wait)
	}
	return nil
}

// signup limits registrations per client address.
func (l limits) signup(ctx context.Context) error {
	if ok, wait := l.signupAddr.Allow(limitAddr(ctx)); !ok {
		return rateLimited(wait)
	}
	return nil
}

func (l limits) refresh(ctx context.Context, token string) error {
	// Refresh checks the token's length before this; the limiter keeps
	// only a hash of it.
	return check(l.refreshAddr, limitAddr(ctx), l.refreshToken, "tok:"+token)
}

// check takes a token for the client's address first and, only if that is
// allowed, for the account: a client refused by address adds no keys to
// the account table.
func check(addr *ratelimit.Limiter, ka string, acct *ratelimit.Limiter, kb string) error {
	if ok, wait := addr.Allow(ka); !ok {
		return rateLimited(wait)
	}
	if ok, wait := acct.Allow(kb); !ok {
		return rateLimited(wait)
	}
	return nil
}

func rateLimited(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return &domain.Error{Kind: domain.KindRateLimited, Message: fmt.Sprintf("too many attempts; retry in %d s", secs), RetryAfter: wait}
}

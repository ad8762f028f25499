package identity

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

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
		signupAddr:   ratelimit.New(signupsPerMinute, time.Minute),
		loginAccount: ratelimit.New(5, time.Minute),
		loginAddr:    ratelimit.New(20, time.Minute),
		refreshToken: ratelimit.New(5, time.Minute),
		refreshAddr:  ratelimit.New(30, time.Minute),
	}
}

func (l limits) login(ctx context.Context, email string) error {
	return check(l.loginAccount, "acct:"+strings.ToLower(strings.TrimSpace(email)), l.loginAddr, "addr:"+ClientAddr(ctx))
}

// external limits provider sign-ins per client address only: a signed
// token cannot be guessed, and the account is unknown until it is checked.
func (l limits) external(ctx context.Context) error {
	if ok, wait := l.loginAddr.Allow("addr:" + ClientAddr(ctx)); !ok {
		return rateLimited(wait)
	}
	return nil
}

// signup limits registrations per client address.
func (l limits) signup(ctx context.Context) error {
	if ok, wait := l.signupAddr.Allow("addr:" + ClientAddr(ctx)); !ok {
		return rateLimited(wait)
	}
	return nil
}

func (l limits) refresh(ctx context.Context, token string) error {
	return check(l.refreshToken, "tok:"+token, l.refreshAddr, "addr:"+ClientAddr(ctx))
}

func check(a *ratelimit.Limiter, ka string, b *ratelimit.Limiter, kb string) error {
	okA, waitA := a.Allow(ka)
	okB, waitB := b.Allow(kb)
	if okA && okB {
		return nil
	}
	return rateLimited(max(waitA, waitB))
}

func rateLimited(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return &domain.Error{Kind: domain.KindRateLimited, Message: fmt.Sprintf("too many attempts; retry in %d s", secs), RetryAfter: wait}
}

package identity

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// TestLoginLimitKeysBounded: oversized, made-up emails all fall on one
// "invalid" key instead of one key each, so they neither grow the table nor
// escape the limit by varying the input.
func TestLoginLimitKeysBounded(t *testing.T) {
	l := newLimits(10)
	big := strings.Repeat("a", 512<<10)
	refused := 0
	for i := range 100 {
		ctx := caller.WithClientAddr(context.Background(), "10.0.0."+strconv.Itoa(i%200))
		if err := l.login(ctx, strconv.Itoa(i)+big+"@example.com"); domain.KindOf(err) == domain.KindRateLimited {
			refused++
		}
	}
	if n := l.loginAccount.Len(); n != 1 {
		t.Fatalf("account table holds %d keys for invalid emails, want 1", n)
	}
	if refused < 90 {
		t.Fatalf("only %d of 100 attempts with invalid emails refused", refused)
	}
}

// TestLoginLimitPerEmail: a normal email is limited as before, whatever its
// case and surrounding space, and another email is not.
func TestLoginLimitPerEmail(t *testing.T) {
	l := newLimits(10)
	ctx := func(i int) context.Context {
		return caller.WithClientAddr(context.Background(), "10.0.1."+strconv.Itoa(i))
	}
	for i := range 5 {
		if err := l.login(ctx(i), []string{"ann@example.com", " ANN@example.com "}[i%2]); err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	err := l.login(ctx(6), "Ann@Example.com")
	var de *domain.Error
	if domain.KindOf(err) != domain.KindRateLimited || !errorsAs(err, &de) || de.RetryAfter <= 0 {
		t.Fatalf("sixth attempt on one account: %v, want RATE_LIMITED with a retry hint", err)
	}
	if err := l.login(ctx(7), "bob@example.com"); err != nil {
		t.Fatalf("another account is limited too: %v", err)
	}
}

// TestAddressKeysBounded: an address that is not one (too long to be an
// IP address) is one fixed key.
func TestAddressKeysBounded(t *testing.T) {
	l := newLimits(10)
	for i := range 50 {
		_ = l.signup(caller.WithClientAddr(context.Background(), strconv.Itoa(i)+strings.Repeat("f", 1<<10)))
	}
	if n := l.signupAddr.Len(); n != 1 {
		t.Fatalf("signup table holds %d keys for bogus addresses, want 1", n)
	}
}

func errorsAs(err error, target **domain.Error) bool { return errors.As(err, target) }

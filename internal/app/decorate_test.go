package app

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// TestDecoratorAppliesTheRuleFirst: a refused caller never reaches the
// handler and gets the rule's error; a hidden answer is the zero value
// with no error; a request's owner comes from the request.
func TestDecoratorAppliesTheRuleFirst(t *testing.T) {
	b := &builder{log: slog.New(slog.DiscardHandler)}
	ran := 0
	follow := decorate(b, actFollow, func(_ context.Context, caller caller.Identity, c Follow) (Receipt, error) {
		ran++
		return Receipt{CommandID: caller.PersonID + c.PersonID}, nil
	})
	if _, err := follow(context.Background(), Follow{PersonID: "p"}); domain.KindOf(err) != domain.KindUnauthenticated || ran != 0 {
		t.Fatalf("anonymous follow: %v after %d runs, want UNAUTHENTICATED before any", err, ran)
	}
	me := domain.NewID()
	if rc, err := follow(signedIn(me), Follow{PersonID: "p"}); err != nil || rc.CommandID != me+"p" {
		t.Fatalf("follow as %s: %+v, %v; want the handler run as the caller", me, rc, err)
	}
	transfers := decorate(b, actWalletTransfers, func(context.Context, caller.Identity, Transfers) (store.TransferPage, error) {
		ran++
		return store.TransferPage{TotalCount: 1}, nil
	})
	ran = 0
	if pg, err := transfers(signedIn(me), Transfers{PersonID: domain.NewID()}); err != nil || pg.TotalCount != 0 || ran != 0 {
		t.Fatalf("another's transfers: %+v, %v after %d runs; want hidden", pg, err, ran)
	}
	if pg, err := transfers(signedIn(me), Transfers{PersonID: me}); err != nil || pg.TotalCount != 1 {
		t.Fatalf("own transfers: %+v, %v", pg, err)
	}
}

// TestDecoratorLogsNoPersonalData: each request is logged with its action
// and the kind of its error, never its content.
func TestDecoratorLogsNoPersonalData(t *testing.T) {
	var out bytes.Buffer
	b := &builder{log: slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	register := decorate(b, actRegister, func(context.Context, caller.Identity, Register) (Session, error) {
		return Session{}, domain.Invalid("email", "ann@example.org is taken")
	})
	if _, err := register(context.Background(), Register{Email: "ann@example.org", Password: "secret-words", Name: "Ann"}); err == nil {
		t.Fatal("want the handler's error")
	}
	logged := out.String()
	for _, want := range []string{"action=register", "error=INVALID", "duration="} {
		if !strings.Contains(logged, want) {
			t.Errorf("log %q lacks %q", logged, want)
		}
	}
	for _, secret := range []string{"ann@example.org", "secret-words", "Ann"} {
		if strings.Contains(logged, secret) {
			t.Errorf("log %q holds %q", logged, secret)
		}
	}
}

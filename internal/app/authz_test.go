package app

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

func signedIn(personID string, roles ...string) context.Context {
	return caller.WithIdentity(context.Background(), caller.Identity{PersonID: personID,
		Roles: append([]string{caller.RoleUser}, roles...), ExpiresAt: time.Now().Add(time.Hour)})
}

// TestAuthorizationTable checks every rule, one row each, for an anonymous
// caller, the person the thing belongs to, another person and an admin
// (a third person): who may, and what the others get (an error for a
// refused operation: UNAUTHENTICATED without a token, FORBIDDEN for a
// person; nothing for a hidden one).
func TestAuthorizationTable(t *testing.T) {
	const y, n = true, false
	rows := []struct {
		act                            Action
		anonymous, self, other, admins bool
	}{
		{actRegister, y, y, y, y},
		{actLogin, y, y, y, y},
		{actLoginWithIDToken, y, y, y, y},
		{actRefreshToken, y, y, y, y},
		{actLogout, y, y, y, y},
		{actAddInterest, n, y, y, y},
		{actRemoveInterest, n, y, y, y},
		{actFollow, n, y, y, y},
		{actUnfollow, n, y, y, y},
		{actTransferCoins, n, y, y, y},
		{actUpdateProfile, n, y, y, y},
		{actBlock, n, y, y, y},
		{actUnblock, n, y, y, y},
		{actMute, n, y, y, y},
		{actUnmute, n, y, y, y},
		{actDismissRecommendation, n, y, y, y},
		{actDeleteAccount, n, y, y, y},
		{actMarkNotificationsRead, n, y, y, y},

		{actMe, n, y, y, y},
		{actPerson, y, y, y, y},
		{actRecommendedPeople, n, y, y, y},
		{actCommandReceipt, n, y, y, y},
		{actCommandOutcome, n, y, n, y},
		{actLedger, n, n, n, y},
		{actWalletTransfers, n, y, n, y},
		{actSearchPersons, y, y, y, y},
		{actInterests, y, y, y, y},
		{actTrendingInterests, y, y, y, y},
		{actRelatedInterests, y, y, y, y},
		{actNotifications, n, y, y, y},
		{actUnreadNotificationCount, n, y, y, y},

		{SeeEmail, n, y, n, y},
		{SeeWallet, n, y, n, y},
		{SeeRelationship, n, y, y, y},

		{actSubscribeNotifications, n, y, y, y},
		{actSubscribePersonEvents, y, y, y, y},
		{actSubscribeGraphEvents, n, n, n, y},
	}
	self, other, admin := domain.NewID(), domain.NewID(), domain.NewID()
	callers := []struct {
		name, id string
		ctx      context.Context
	}{
		{"anonymous", "", context.Background()},
		{"self", self, signedIn(self)},
		{"other", other, signedIn(other)},
		{"admin", admin, signedIn(admin, caller.RoleAdmin)},
	}
	seen := map[Action]bool{}
	for _, row := range rows {
		seen[row.act] = true
		rule, ok := rules[row.act]
		if !ok {
			t.Errorf("%s: no rule", row.act)
			continue
		}
		for i, want := range []bool{row.anonymous, row.self, row.other, row.admins} {
			c := callers[i]
			id, got, err := decide(c.ctx, row.act, self)
			switch {
			case got != want:
				t.Errorf("%s for %s: allowed %v, want %v (err %v)", row.act, c.name, got, want, err)
			case got && (err != nil || id.PersonID != c.id):
				t.Errorf("%s for %s: allowed as %q with %v, want as %q", row.act, c.name, id.PersonID, err, c.id)
			case !got && rule.Denial == Hide && err != nil:
				t.Errorf("%s for %s: hidden, yet an error: %v", row.act, c.name, err)
			case !got && rule.Denial == Refuse:
				wantKind := domain.KindForbidden
				if c.id == "" {
					wantKind = domain.KindUnauthenticated
				}
				if k := domain.KindOf(err); k != wantKind {
					t.Errorf("%s for %s: refused with %v (%v), want %v", row.act, c.name, k, err, wantKind)
				}
			}
			if MaySee(c.ctx, row.act, self) != want {
				t.Errorf("%s for %s: MaySee says %v, want %v", row.act, c.name, !want, want)
			}
		}
	}
	for act := range rules {
		if !seen[act] {
			t.Errorf("rule %q has no row in this test", act)
		}
	}
}

// TestExpiredTokenRefusedNotHidden: an operation refuses a token that is
// no longer valid, saying so; a hidden field takes the caller as the
// gateway verified them.
func TestExpiredTokenRefusedNotHidden(t *testing.T) {
	me := domain.NewID()
	expired := caller.WithIdentity(context.Background(), caller.Identity{PersonID: me, ExpiresAt: time.Now().Add(-time.Hour)})
	if _, _, err := decide(expired, actFollow, ""); !errors.Is(err, caller.ErrTokenExpired) {
		t.Fatalf("follow with an expired token: %v, want %v", err, caller.ErrTokenExpired)
	}
	if !MaySee(expired, SeeEmail, me) {
		t.Fatal("own email hidden from the caller the gateway let in")
	}
}

// TestActionWithoutRuleIsRefused: a handler nobody wrote a rule for is
// closed, not open.
func TestActionWithoutRuleIsRefused(t *testing.T) {
	ctx := signedIn(domain.NewID(), caller.RoleAdmin)
	if _, ok, err := decide(ctx, Action("no such action"), ""); ok || err == nil {
		t.Fatal("an action without a rule was allowed")
	}
	if MaySee(ctx, Action("no such field"), "") {
		t.Fatal("a field without a rule was shown")
	}
}

// TestSessionPersonAsItsOwnerSeesIt: the person of a new session carries
// its email for its owner.
func TestSessionPersonAsItsOwnerSeesIt(t *testing.T) {
	me := domain.NewID()
	p := seenBy(caller.Identity{PersonID: me}, store.Person{ID: me, Email: "me@example.org"})
	if p.Email != "me@example.org" {
		t.Fatalf("own email hidden: %+v", p)
	}
	if p := seenBy(caller.Identity{PersonID: domain.NewID()}, store.Person{ID: me, Email: "me@example.org"}); p.Email != "" {
		t.Fatalf("another's email shown: %+v", p)
	}
}

// TestEveryRuleIsUsed: each rule is the rule of a handler, of a private
// field the resolvers ask about, or of the second check of a receipt; a
// row nothing consults would mislead its reader.
func TestEveryRuleIsUsed(t *testing.T) {
	b := &builder{log: slog.Default()}
	(&service{}).build(b)
	used := map[Action]bool{SeeEmail: true, SeeWallet: true, SeeRelationship: true, actCommandOutcome: true}
	for _, act := range b.acts {
		if used[act] {
			t.Errorf("%s: two handlers run under it", act)
		}
		used[act] = true
	}
	if err := b.check(); err != nil {
		t.Error(err)
	}
	for act := range rules {
		if !used[act] {
			t.Errorf("rule %q is used by no handler or field", act)
		}
	}
}

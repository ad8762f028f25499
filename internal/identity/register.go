package identity

import (
	"context"
	"errors"
	"slices"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Register creates an account; a taken email is ALREADY_EXISTS at once.
func (s *Service) Register(ctx context.Context, email, password, name string) (Session, error) {
	if err := s.limits.signup(ctx); err != nil {
		return Session{}, err
	}
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		return Session{}, err
	}
	if name, err = domain.NormalizeName(name); err != nil {
		return Session{}, err
	}
	if err := domain.ValidatePassword(password); err != nil {
		return Session{}, err
	}
	hash, err := s.passwords.Hash(ctx, password)
	if err != nil {
		return Session{}, err
	}
	acc := store.Account{PersonID: domain.NewID(), Email: email, Name: name, PasswordHash: hash,
		Roles: s.rolesFor(email, false), CreatedAt: s.now().UTC()}
	if err := s.st.CreateAccount(ctx, acc); errors.Is(err, domain.ErrEmailTaken) {
		return s.repeatedRegistration(ctx, email, password)
	} else if err != nil {
		return Session{}, err
	}
	sess, err := s.session(ctx, acc, "")
	sess.Created = true
	return sess, err
}

// repeatedRegistration answers a registration of a taken email. With the
// account's own password it is the same person trying again (the first
// answer was lost, or Kafka was unreachable and the account kept, since a
// send that timed out may still arrive): it signs them in, and signing in
// sends a person that never reached the graph. Anything else is
// ALREADY_EXISTS, as before. It spends the login limits, so registering is
// no way around them.
func (s *Service) repeatedRegistration(ctx context.Context, email, password string) (Session, error) {
	if err := s.limits.login(ctx, email); err != nil {
		return Session{}, err
	}
	acc, err := s.st.AccountByEmail(ctx, email)
	if err != nil || acc.PasswordHash == "" {
		return Session{}, domain.ErrEmailTaken
	}
	ok, err := s.passwords.Verify(ctx, password, acc.PasswordHash)
	if domain.KindOf(err) == domain.KindRateLimited {
		return Session{}, err
	}
	if err != nil || !ok {
		return Session{}, domain.ErrEmailTaken
	}
	return s.session(ctx, acc, "")
}

// rolesFor returns the roles a new account with email gets. The admin role
// needs an email a provider has verified: whoever registers an ADMIN_EMAILS
// address with a password first has proved nothing.
func (s *Service) rolesFor(email string, verified bool) []string {
	if verified && slices.Contains(s.cfg.AdminEmails, email) {
		return []string{caller.RoleUser, caller.RoleAdmin}
	}
	return []string{caller.RoleUser}
}

// session issues the tokens of a sign-in. family continues a refresh-token
// family on rotation; "" starts a new one.
func (s *Service) session(ctx context.Context, acc store.Account, family string) (Session, error) {
	tok, exp, err := s.keys.Issue(acc.PersonID, acc.Roles)
	if err != nil {
		return Session{}, err
	}
	if s.cfg.OpaqueTokens {
		if tok, err = s.reference(ctx, acc.PersonID, tok, exp); err != nil {
			return Session{}, err
		}
	}
	id, err := s.keys.IssueID(acc.PersonID, acc.Email, acc.Name)
	if err != nil {
		return Session{}, err
	}
	if family == "" {
		family = domain.NewID()
	}
	refresh, hash, err := newRefreshToken()
	if err != nil {
		return Session{}, err
	}
	rt := store.RefreshToken{Hash: hash, FamilyID: family, PersonID: acc.PersonID, ExpiresAt: s.now().Add(s.cfg.RefreshTTL).UTC()}
	if err := s.st.SaveRefreshToken(ctx, rt); err != nil {
		return Session{}, err
	}
	return Session{AccessToken: tok, ExpiresAt: exp, IDToken: id, RefreshToken: refresh,
		PersonID: acc.PersonID, Email: acc.Email, Name: acc.Name, CreatedAt: acc.CreatedAt}, nil
}

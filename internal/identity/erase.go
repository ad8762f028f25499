package identity

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// maxPasswordLen bounds what is hashed: ValidatePassword's upper bound.
const maxPasswordLen = 128

// CheckPassword confirms that the caller, already authenticated as
// personID, knows the account's password, before an irreversible act
// (deleteAccount). An account made by an identity provider has no password
// and passes. It is rate-limited like a login, so a stolen access token
// cannot be used to guess the password.
func (s *Service) CheckPassword(ctx context.Context, personID, password string) error {
	acc, err := s.st.AccountByPersonID(ctx, personID)
	if domain.KindOf(err) == domain.KindNotFound {
		return domain.ErrUnauthenticated
	}
	if err != nil {
		return err
	}
	if acc.PasswordHash == "" {
		return nil
	}
	if err := s.limits.login(ctx, acc.Email); err != nil {
		return err
	}
	if password == "" || len(password) > maxPasswordLen {
		return errWrongPassword
	}
	ok, err := s.passwords.Verify(ctx, password, acc.PasswordHash)
	if domain.KindOf(err) == domain.KindRateLimited {
		return err
	}
	if err != nil || !ok {
		return errWrongPassword
	}
	return nil
}

var errWrongPassword = &domain.Error{Kind: domain.KindUnauthenticated, Field: "password", Message: "the password is missing or wrong"}

// CheckPassword implements the application's Identity.
func (c *Client) CheckPassword(ctx context.Context, personID, password string) error {
	raw, _ := json.Marshal(request{PersonID: personID, Password: password, ClientAddr: caller.ClientAddr(ctx)})
	return c.post(ctx, "/auth/check-password", bytes.NewReader(raw), "application/json", nil)
}

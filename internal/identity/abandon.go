package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// abandonWindow is how young an account must be to be abandoned: long
// enough for the gateway's bounded send of its person, short enough that
// an established account can never be deleted this way.
const abandonWindow = 10 * time.Minute

var errNotNew = &domain.Error{Kind: domain.KindForbidden, Message: "only a registration in progress can be abandoned"}

// Abandon undoes a registration whose person could not be sent to the
// graph (Kafka unreachable), so that the user can simply register again.
// The gateway proves it made the account with the session's refresh token,
// which nobody else has yet; that token's family is spent with it.
func (s *Service) Abandon(ctx context.Context, refreshToken string) error {
	token := strings.TrimSpace(refreshToken)
	if token == "" || len(token) > 100 {
		return errBadRefresh
	}
	hash := tokenHash(token)
	rt, err := s.st.UseRefreshToken(ctx, hash, s.now())
	if errors.Is(err, store.ErrTokenInvalid) || errors.Is(err, store.ErrTokenReused) {
		return errBadRefresh
	}
	if err != nil {
		return err
	}
	acc, err := s.st.AccountByPersonID(ctx, rt.PersonID)
	if err != nil {
		return err
	}
	if s.now().Sub(acc.CreatedAt) > abandonWindow {
		return errNotNew
	}
	if err := s.st.RevokeFamilyOf(ctx, hash); err != nil {
		return err
	}
	return s.st.DeleteAccount(ctx, rt.PersonID)
}

package app

import (
	"fmt"
	"math"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/ratelimit"
)

// newMutationLimiter bounds the commands per person: perMinute refilled,
// twice that at once, so a human never meets it and a script does. The
// table is keyed by person id and bounded like every limiter's. nil (no
// limit) for perMinute <= 0.
func newMutationLimiter(perMinute int) *ratelimit.Limiter {
	if perMinute <= 0 {
		return nil
	}
	return ratelimit.New(2*perMinute, 2*time.Minute, 0)
}

// allowMutation takes a token for the actor of cmd. RegisterPerson is not
// counted: it completes a registration, which SIGNUPS_PER_MINUTE limits,
// and refusing it would leave an account without its person.
func (s *service) allowMutation(cmd domain.Command) error {
	if s.mutations == nil || cmd.Type == domain.CmdRegisterPerson {
		return nil
	}
	if ok, wait := s.mutations.Allow(cmd.Actor); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		return &domain.Error{Kind: domain.KindRateLimited, RetryAfter: wait,
			Message: fmt.Sprintf("too many changes; retry in %d s", secs)}
	}
	return nil
}

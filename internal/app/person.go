package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// PersonByID reads one person and what Plan asks of them (counts,
// interests, followers and following to any depth) in one store call.
type PersonByID struct {
	ID   string
	Plan store.PersonPlan
}

// Me is PersonByID for the caller; nil without a token (actMe hides).
type Me struct {
	Plan store.PersonPlan
}

// person answers nil when there is no such person, BAD_USER_INPUT for a
// malformed id.
func (s *service) person(ctx context.Context, _ caller.Identity, q PersonByID) (*store.PersonRead, error) {
	if _, err := domain.ParsePersonID("id", q.ID); err != nil {
		return nil, err
	}
	return s.reader.ReadPerson(ctx, q.ID, q.Plan)
}

func (s *service) me(ctx context.Context, caller caller.Identity, q Me) (*store.PersonRead, error) {
	return s.reader.ReadPerson(ctx, caller.PersonID, q.Plan)
}

package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// PersonByID reads one person and what Plan asks of them (counts,
// interests, followers and following to any depth) in one store call.
type PersonByID struct {
	ID   string
	Plan store.PersonPlan
}

// Me is PersonByID for the caller.
type Me struct {
	Plan store.PersonPlan
}

// PersonByID answers the person query: nil when there is no such person,
// BAD_USER_INPUT for a malformed id.
func (a *App) PersonByID(ctx context.Context, q PersonByID) (*store.PersonRead, error) {
	if _, err := authorize(ctx, actPerson, ""); err != nil {
		return nil, err
	}
	if _, err := domain.ParsePersonID("id", q.ID); err != nil {
		return nil, err
	}
	return a.reader.ReadPerson(ctx, q.ID, q.Plan)
}

// Me answers the me query: nil without a token.
func (a *App) Me(ctx context.Context, q Me) (*store.PersonRead, error) {
	id, ok, err := decide(ctx, actMe, "")
	if !ok {
		return nil, err
	}
	return a.reader.ReadPerson(ctx, id.PersonID, q.Plan)
}

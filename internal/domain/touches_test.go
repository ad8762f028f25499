package domain

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// readsState records the persons and interests a decision reads.
type readsState struct {
	fakeState
	persons, interests map[string]bool
}

func (r readsState) PersonExists(ctx context.Context, id string) (bool, error) {
	r.persons[id] = true
	return r.fakeState.PersonExists(ctx, id)
}
func (r readsState) Follows(ctx context.Context, a, b string) (bool, error) {
	r.persons[a], r.persons[b] = true, true
	return r.fakeState.Follows(ctx, a, b)
}
func (r readsState) HasInterest(ctx context.Context, p, n string) (bool, error) {
	r.persons[p], r.interests[n] = true, true
	return r.fakeState.HasInterest(ctx, p, n)
}
func (r readsState) InterestCount(ctx context.Context, p string) (int, error) {
	r.persons[p] = true
	return r.fakeState.InterestCount(ctx, p)
}
func (r readsState) FollowingCount(ctx context.Context, p string) (int, error) {
	r.persons[p] = true
	return r.fakeState.FollowingCount(ctx, p)
}
func (r readsState) HasNotification(ctx context.Context, p, id string) (bool, error) {
	r.persons[p] = true
	return r.fakeState.HasNotification(ctx, p, id)
}
func (r readsState) Related(ctx context.Context, from, to string, rel Relation) (bool, error) {
	r.persons[from], r.persons[to] = true, true
	return r.fakeState.Related(ctx, from, to, rel)
}

func checkTouches(t *testing.T, cmd Command, sample registrySample, st readsState) {
	t.Helper()
	persons, interests := Touches(cmd)
	wantPersons := []string{cmd.Actor}
	if sample.other != "" {
		wantPersons = append(wantPersons, sample.other)
	}
	var wantInterests []string
	if sample.interest != "" {
		wantInterests = []string{sample.interest}
	}
	if fmt.Sprint(persons, interests) != fmt.Sprint(wantPersons, wantInterests) {
		t.Errorf("Touches = %v %v, want %v %v", persons, interests, wantPersons, wantInterests)
	}
	for p := range st.persons {
		if !slices.Contains(persons, p) {
			t.Errorf("deciding read person %s, which Touches does not name", p)
		}
	}
	for i := range st.interests {
		if !slices.Contains(interests, i) {
			t.Errorf("deciding read interest %q, which Touches does not name", i)
		}
	}
	pair := Pair(cmd)
	if sample.paired != (pair != nil) {
		t.Errorf("Pair = %v, want paired = %v", pair, sample.paired)
	}
	if pair != nil && (!slices.IsSorted(pair) || !slices.Contains(pair, cmd.Actor) || !slices.Contains(pair, sample.other)) {
		t.Errorf("Pair = %v, want the actor and %s in order", pair, sample.other)
	}
}

package neo4jstore

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// wantShape checks that err is a record-shape error naming name.
func wantShape(t *testing.T, err error, name string) {
	t.Helper()
	if !errors.Is(err, errRecordShape) || !strings.Contains(err.Error(), name) {
		t.Fatalf("err = %v, want a record-shape error naming %q", err, name)
	}
}

func TestGetChecksPresenceNullAndType(t *testing.T) {
	r := row{"id": "p1", "n": int64(3), "gone": nil}
	if v, err := get[string](r, "id"); err != nil || v != "p1" {
		t.Fatalf("get id = %q, %v", v, err)
	}
	_, err := get[string](r, "name")
	wantShape(t, err, "name is missing")
	_, err = get[string](r, "gone")
	wantShape(t, err, "gone is null")
	_, err = get[string](r, "n")
	wantShape(t, err, "n is int64, want string")
}

func TestGetOptAllowsNullOnly(t *testing.T) {
	r := row{"email": nil, "n": int64(3)}
	if v, err := getOpt[string](r, "email"); err != nil || v != "" {
		t.Fatalf("getOpt of null = %q, %v; want zero, nil", v, err)
	}
	_, err := getOpt[string](r, "name")
	wantShape(t, err, "name is missing")
	_, err = getOpt[string](r, "n")
	wantShape(t, err, "n is int64, want string")
}

func TestGetListChecksEveryElement(t *testing.T) {
	r := row{"names": []any{"a", "b"}, "mixed": []any{"a", int64(2)}, "none": nil, "empty": []any{}}
	if v, err := getList[string](r, "names", false); err != nil || strings.Join(v, ",") != "a,b" {
		t.Fatalf("getList = %v, %v", v, err)
	}
	_, err := getList[string](r, "mixed", false)
	wantShape(t, err, "mixed[1] is int64, want string")
	_, err = getList[string](r, "none", false)
	wantShape(t, err, "none is null")
	if v, err := getList[string](r, "none", true); err != nil || v != nil {
		t.Fatalf("optional null list = %v, %v; want nil, nil", v, err)
	}
	if v, err := getList[string](r, "empty", false); err != nil || v == nil || len(v) != 0 {
		t.Fatalf("empty list = %#v, %v; want an empty non-nil slice", v, err)
	}
}

func TestFieldsKeepsFirstProblemWithContext(t *testing.T) {
	f := &fields{src: row{"id": int64(1)}, what: "person"}
	_ = req[string](f, "id")
	_ = req[string](f, "name")
	if f.err == nil || !strings.HasPrefix(f.err.Error(), "person: ") || !strings.Contains(f.err.Error(), "id is int64") {
		t.Fatalf("err = %v, want the first problem (id) prefixed with person", f.err)
	}
}

func validPerson() map[string]any {
	return map[string]any{"id": "p1", "name": "Ada", "email": nil, "registeredAt": nil,
		"balance": nil, "bio": nil, "followers": int64(2), "following": int64(0)}
}

func TestToPersonMapsAndRejects(t *testing.T) {
	p, err := toPerson(validPerson())
	if err != nil || p.ID != "p1" || p.FollowerCount != 2 || p.Balance != 0 {
		t.Fatalf("toPerson = %+v, %v", p, err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	m := validPerson()
	m["registeredAt"] = at
	if p, err := toPerson(m); err != nil || !p.RegisteredAt.Equal(at) || p.RegisteredAt.Location() != time.UTC {
		t.Fatalf("registeredAt = %v, %v; want %v in UTC", p.RegisteredAt, err, at)
	}
	for key, bad := range map[string]any{"balance": "lots", "followers": nil, "id": nil, "email": int64(1)} {
		m := validPerson()
		m[key] = bad
		_, err := toPerson(m)
		wantShape(t, err, key)
	}
	_, err = toPerson("not a map")
	wantShape(t, err, "person is string")
}

func TestToTransferAllowsGrantsWithoutSender(t *testing.T) {
	m := map[string]any{"id": "t1", "kind": "GRANT", "from": nil, "to": "p1", "amount": int64(5), "memo": nil, "at": nil}
	if tr, err := toTransfer(m); err != nil || tr.From != "" || tr.Amount != 5 {
		t.Fatalf("toTransfer = %+v, %v", tr, err)
	}
	m["amount"] = 5.0
	_, err := toTransfer(m)
	wantShape(t, err, "amount is float64")
}

func TestToEdgesAndAccountReject(t *testing.T) {
	_, err := toEdges([]any{map[string]any{"to": "x", "since": "yesterday"}})
	wantShape(t, err, "since is string")
	_, err = toEdges([]any{"x"})
	wantShape(t, err, "edge is string")
	acct := row{"pid": "p1", "email": "a@b", "provider": nil, "name": "A", "hash": nil, "at": nil, "roles": nil}
	if a, err := toAccount(acct); err != nil || a.Roles != nil || a.PersonID != "p1" {
		t.Fatalf("toAccount = %+v, %v", a, err)
	}
	acct["roles"] = []any{"user", int64(7)}
	_, err = toAccount(acct)
	wantShape(t, err, "roles[1]")
}

// TestPlannedPersonIsReadByItsColumns: a planned person is a list whose
// values are named by columns(plan); another shape is a record-shape
// error, not a panic or a person of shifted fields.
func TestPlannedPersonIsReadByItsColumns(t *testing.T) {
	plan := store.PersonPlan{SkipProfile: true, Counts: true, Interests: []store.InterestsPlan{{Order: store.InterestsByName, First: domain.MaxInterestsPerPerson}}}
	cols := columns(plan)
	if want := []string{"id", "name", "followers", "following", interestsColumn + "0"}; !slices.Equal(cols, want) {
		t.Fatalf("columns = %v, want %v", cols, want)
	}
	r, err := toPersonRead([]any{"p1", "Ada", int64(3), int64(4), []any{"go", "chess"}}, plan)
	if err != nil || r.Person.ID != "p1" || r.Person.Name != "Ada" || r.Person.FollowerCount != 3 || r.Person.FollowingCount != 4 ||
		len(r.Interests) != 1 || len(r.Interests[0]) != 2 || r.Interests[0][0].Name != "chess" {
		t.Fatalf("toPersonRead = %+v, %v", r, err)
	}
	_, err = toPersonRead([]any{"p1", "Ada", int64(3), int64(4)}, plan) // a value short
	wantShape(t, err, "planned person")
	_, err = toPersonRead(map[string]any{"id": "p1", "name": "Ada"}, plan)
	wantShape(t, err, "planned person")
	_, err = toPersonRead([]any{"p1", "Ada", "3", int64(4), []any{}}, plan)
	wantShape(t, err, "followers")
	if v, ok := (tuple{vals: []any{1}, names: []string{"a", "b"}}).Get("b"); ok {
		t.Fatalf("a name past the values read %v", v)
	}
}

// TestPlannedListIsReadAsTotalAndPage: a list is [total, page]; with
// cursors an item is [key, member] and the extra item, [key], only says
// that a next page exists; without, the page is its members.
func TestPlannedListIsReadAsTotalAndPage(t *testing.T) {
	member := store.PersonPlan{SkipProfile: true}
	lp := store.ListPlan{Kind: store.FollowersList, Page: store.Page{First: 1, Order: store.ByName}, Member: member}
	lr, err := toListRead([]any{int64(7), []any{[]any{"Ada", []any{"p1", "Ada"}}, []any{"Bob"}}}, lp)
	if err != nil || lr.Page.TotalCount != 7 || !lr.Page.HasNext || len(lr.Members) != 1 ||
		lr.Members[0].Person.ID != "p1" || !slices.Equal(lr.Page.Keys, []string{"Ada"}) {
		t.Fatalf("toListRead with cursors = %+v, %v", lr, err)
	}
	lp.NoCursors, lp.Page.First = true, 2
	lr, err = toListRead([]any{int64(0), []any{[]any{"p1", "Ada"}, []any{"p2", "Bob"}}}, lp)
	if err != nil || lr.Page.HasNext || len(lr.Page.Persons) != 2 || lr.Page.Persons[1].Name != "Bob" ||
		!slices.Equal(lr.Page.Keys, []string{"", ""}) {
		t.Fatalf("toListRead without cursors = %+v, %v", lr, err)
	}
	_, err = toListRead(map[string]any{"total": int64(0), "page": []any{}}, lp)
	wantShape(t, err, "planned list")
	lp.NoCursors = false
	_, err = toListRead([]any{int64(1), []any{[]any{"p1", "Ada"}, []any{"x"}}}, lp) // a member where an item belongs
	wantShape(t, err, "planned person")
}

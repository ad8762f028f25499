// Package store defines the graph store: the write side that decides and
// applies commands atomically, the projection that rebuild replays events
// into, the read model that queries use, and the accounts of the auth
// component. Two implementations exist, memory (the embedded default) and
// neo4jstore (production); storetest holds the contract suite both pass.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// Person is a registered person as the read side sees them.
type Person struct {
	ID             string
	Name           string
	Email          string
	RegisteredAt   time.Time
	FollowerCount  int
	FollowingCount int
	Balance        int64
	Bio            string
}

// Interest is an interest with the number of persons who declared it.
type Interest struct {
	Name        string
	PersonCount int
}

// Page asks for First items after the cursor After (a person id; "" for
// the start). Lists are ordered by person id unless Order says otherwise.
type Page struct {
	First int
	After string
	// Order orders a person list (ByID when empty). For any other order
	// AfterKey holds the order key (PersonPage.Keys) of the item After.
	Order    FollowOrder
	AfterKey string
	// SkipTotal leaves TotalCount at 0: counting a long list costs as
	// much as reading it, so it is done only when a client asks.
	SkipTotal bool
}

// PersonPage is one page of a person list.
type PersonPage struct {
	Persons []Person
	// Keys holds each person's order key (for cursors) when the page was
	// read in an order other than ByID.
	Keys       []string
	TotalCount int
	HasNext    bool
}

// Recommendation is a person the caller may want to follow. Score is one
// point per shared interest, half a point per FollowedVia (persons the
// caller follows who follow them) and half a point if FollowsYou. Popular
// marks a most-followed person offered (score 0) to a caller with nothing
// else to go on.
type Recommendation struct {
	Person          Person
	Score           float64
	SharedInterests []string
	FollowedVia     int
	FollowsYou      bool
	Popular         bool
}

// Transfer is one immutable ledger record: a grant (From empty) or a
// transfer. ID is the id of the command that caused it.
type Transfer struct {
	ID     string
	Kind   string // domain.GrantKind or domain.TransferKind
	From   string
	To     string
	Amount int64
	Memo   string
	At     time.Time
}

// TransferPage is one page of ledger records.
type TransferPage struct {
	Transfers  []Transfer
	TotalCount int
	HasNext    bool
}

// Ledger is the whole ledger at one moment.
type Ledger struct {
	TotalSupply int64 // coins ever minted
	BalanceSum  int64 // must equal TotalSupply
	Accounts    int   // registered persons (each has a wallet)
	Transfers   int   // transfer records (grants excluded)
}

// Account is the auth component's record of a person's credentials.
type Account struct {
	PersonID     string
	Email        string
	Name         string
	PasswordHash string
	Roles        []string
	CreatedAt    time.Time
	// ProviderKey names the external identity (issuer and subject, see
	// ProviderKey) of an account an identity provider made; "" for
	// password accounts. Such accounts are found by it, never by email.
	ProviderKey string
}

// ProviderKey identifies a person at an identity provider: the pair
// (issuer, subject), which OIDC guarantees stable and unique, unlike an
// email address that two providers may both assert.
func ProviderKey(issuer, subject string) string { return issuer + " " + subject }

// DecideFunc decides a command against state read inside the transaction.
type DecideFunc func(ctx context.Context, s domain.State, cmd domain.Command, now time.Time) (domain.Outcome, error)

// ErrTransient marks an error of the store itself that goes away on its own
// (a deadlock, a lock timeout, a leader switch, a lost connection): the
// command is fine and is to be tried again, never set aside.
var ErrTransient = errors.New("graph store: transient error")

// ErrNotEmpty is returned by rebuild preconditions when the graph already
// holds a projection.
var ErrNotEmpty = errors.New("graph store is not empty")

// Executor applies commands. Execute runs decide and applies the resulting
// events in one transaction and records the outcome under the command id.
// A command id seen before is not decided again: its recorded outcome comes
// back with replayed set, so that redelivery changes nothing.
type Executor interface {
	Execute(ctx context.Context, cmd domain.Command, decide DecideFunc) (out domain.Outcome, replayed bool, err error)
}

// Projector applies events as they are; rebuild uses it. ApplyEvents is
// idempotent, and events of different subjects may come in any order: the
// result converges because every property and edge is written by the events
// of one subject only.
type Projector interface {
	ApplyEvents(ctx context.Context, events []domain.Event) error
}

// Reader is the read model. Every method takes a batch of keys, so that a
// GraphQL selection costs one round trip per level, not one per parent.
type Reader interface {
	PersonsByIDs(ctx context.Context, ids []string) (map[string]Person, error)
	InterestsOf(ctx context.Context, personIDs []string) (map[string][]string, error)
	// RankedInterestsOf returns each person's first interests in order:
	// by name, or the most held first (then by name) with their
	// PersonCount, which ordering by name leaves at 0.
	RankedInterestsOf(ctx context.Context, personIDs []string, order InterestOrder, first int) (map[string][]Interest, error)
	Followers(ctx context.Context, personIDs []string, page Page) (map[string]PersonPage, error)
	Following(ctx context.Context, personIDs []string, page Page) (map[string]PersonPage, error)
	InterestsByNames(ctx context.Context, names []string) (map[string]Interest, error)
	InterestPersons(ctx context.Context, names []string, page Page) (map[string]PersonPage, error)
	Recommend(ctx context.Context, personID string, first int) ([]Recommendation, error)
	// Transfers pages the ledger records of a person, both directions and
	// grants, newest first (by record id, a time-ordered command id).
	Transfers(ctx context.Context, personID string, page Page) (TransferPage, error)
	// Ledger summarises the whole ledger.
	Ledger(ctx context.Context) (Ledger, error)
	// CommandOutcome returns the recorded outcome of a command and its actor.
	CommandOutcome(ctx context.Context, commandID string) (out domain.Outcome, actor string, found bool, err error)
	SocialReader
	PlanReader
	Inbox
}

// Accounts stores credentials; only the auth component uses it.
type Accounts interface {
	// CreateAccount fails with domain.ErrEmailTaken if the email is in use.
	CreateAccount(ctx context.Context, a Account) error
	// AccountByEmail returns domain.KindNotFound if there is none.
	AccountByEmail(ctx context.Context, email string) (Account, error)
	// AccountByProvider returns the account made for an external
	// identity (store.ProviderKey), or domain.KindNotFound.
	AccountByProvider(ctx context.Context, providerKey string) (Account, error)
	// AccountByPersonID returns domain.KindNotFound if there is none.
	AccountByPersonID(ctx context.Context, personID string) (Account, error)
	// DeleteAccount removes the account of personID (none: no error). A
	// registration whose person could not be sent is undone with it.
	DeleteAccount(ctx context.Context, personID string) error
}

// RefreshToken is a stored refresh token: only its hash is kept.
type RefreshToken struct {
	Hash      string
	FamilyID  string
	PersonID  string
	ExpiresAt time.Time
}

// Errors of RefreshTokens.
var (
	// ErrTokenReused: the token was used before. Its family is now revoked.
	ErrTokenReused = errors.New("refresh token reused: its family is revoked")
	// ErrTokenInvalid: unknown, expired, or of a revoked family.
	ErrTokenInvalid = errors.New("refresh token unknown, expired or revoked")
)

// RefreshTokens keeps refresh-token families for the auth component.
type RefreshTokens interface {
	SaveRefreshToken(ctx context.Context, t RefreshToken) error
	// UseRefreshToken marks the token used, atomically: of concurrent
	// calls with one token at most one succeeds. A second use revokes the
	// whole family and returns ErrTokenReused.
	UseRefreshToken(ctx context.Context, hash string, now time.Time) (RefreshToken, error)
	// RevokeFamilyOf revokes the family of the token (logout); unknown
	// tokens are ignored.
	RevokeFamilyOf(ctx context.Context, hash string) error
}

// ReferenceTokens keeps the JWTs behind opaque reference tokens (the
// phantom-token pattern), by the reference's hash.
type ReferenceTokens interface {
	// SaveReference keeps jwt, a token of personID (whose deletion
	// removes it), under the reference's hash.
	SaveReference(ctx context.Context, hash, personID, jwt string, expiresAt time.Time) error
	// LookupReference returns ErrTokenInvalid for unknown or expired ones.
	LookupReference(ctx context.Context, hash string, now time.Time) (jwt string, expiresAt time.Time, err error)
}

// Snapshotter reads a canonical view of part of the graph, for tests of
// rebuild and for operators comparing two stores.
type Snapshotter interface {
	// Snapshot returns the persons with the given ids, their interests and
	// their outgoing follows, in a canonical order.
	Snapshot(ctx context.Context, personIDs []string) (Snapshot, error)
	// Empty reports whether the store holds no projected person.
	Empty(ctx context.Context) (bool, error)
}

// Snapshot is a canonical, comparable view of part of the graph.
type Snapshot struct {
	Persons []SnapshotPerson
}

// SnapshotPerson is one person with properties and outgoing edges.
type SnapshotPerson struct {
	ID           string
	Name         string
	Email        string
	RegisteredAt time.Time
	Interests    []SnapshotEdge
	Follows      []SnapshotEdge
	Balance      int64
	// Ledger holds the records this person sent or was granted.
	Ledger []Transfer
}

// SnapshotEdge is an edge with its creation time.
type SnapshotEdge struct {
	To    string
	Since time.Time
}

// GraphStore is the graph: commands decided and applied, the projection a
// rebuild writes, the read model, and the persons' keys for their events.
// A person's deletion erases them here and, through the identity store it
// was built with, their account and tokens (in one transaction on Neo4j).
type GraphStore interface {
	Executor
	BatchExecutor
	Projector
	Reader
	Snapshotter
	PersonKeys
	// Ready reports whether the store answers and its schema is in place.
	Ready(ctx context.Context) error
	Close(ctx context.Context) error
}

// IdentityStore keeps credentials for the auth component: accounts,
// refresh-token families and reference tokens. Nothing of the graph.
type IdentityStore interface {
	Accounts
	RefreshTokens
	ReferenceTokens
}

// PersonKeys holds each person's key for the personal fields of their
// events on the event store (internal/shred). Applying EvAccountDeleted
// destroys the person's key in the same transaction and leaves a
// tombstone, so that no key is ever made for them again. Keys are not part
// of the projection: a rebuild needs them and never removes them.
type PersonKeys interface {
	// GetOrCreatePersonKey returns the person's key, made on first use;
	// nil (no error) once it is destroyed.
	GetOrCreatePersonKey(ctx context.Context, personID string) ([]byte, error)
	// PersonKey returns the person's key; nil (no error) if there is none
	// or it was destroyed.
	PersonKey(ctx context.Context, personID string) ([]byte, error)
	// DestroyPersonKey destroys the person's key for good (none: a
	// tombstone all the same).
	DestroyPersonKey(ctx context.Context, personID string) error
}

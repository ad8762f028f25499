package app

import (
	"context"
	"fmt"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Action names what a caller may do or see: a command, a query, a
// subscription or a private field. Its rule is in rules.
type Action string

// Audience is whom a rule lets in.
type Audience int

// Audiences.
const (
	Anyone      Audience = iota // with or without a token
	Persons                     // any signed-in person
	Admins                      // persons with the admin role
	SelfOrAdmin                 // the person the thing belongs to, and admins
)

// Denial is what a caller outside the audience gets.
type Denial int

// Denials.
const (
	// Refuse answers with an error: UNAUTHENTICATED without a token that
	// is valid now (why it is not, if one was refused), FORBIDDEN for a
	// person outside the audience.
	Refuse Denial = iota
	// Hide answers with nothing (a null field, an empty answer), and takes
	// the caller as the gateway verified them.
	Hide
)

// Rule is who may do or see an Action, and what the others get.
type Rule struct {
	Who    Audience
	Denial Denial
}

// The private fields of a person, which the resolvers map after asking
// MaySee.
const (
	SeeEmail        Action = "Person.email"
	SeeWallet       Action = "Person.wallet"
	SeeRelationship Action = "Person.relationship"
)

// rules is the one table of authorization: every command, query,
// subscription and private field, with who may run or see it. A handler
// without a row is refused.
var rules = map[Action]Rule{
	// Commands: signing in is for anyone; every other command acts as
	// the caller.
	actRegister:              {Anyone, Refuse},
	actLogin:                 {Anyone, Refuse},
	actLoginWithIDToken:      {Anyone, Refuse},
	actRefreshToken:          {Anyone, Refuse},
	actLogout:                {Anyone, Refuse},
	actAddInterest:           {Persons, Refuse},
	actRemoveInterest:        {Persons, Refuse},
	actFollow:                {Persons, Refuse},
	actUnfollow:              {Persons, Refuse},
	actTransferCoins:         {Persons, Refuse},
	actUpdateProfile:         {Persons, Refuse},
	actBlock:                 {Persons, Refuse},
	actUnblock:               {Persons, Refuse},
	actMute:                  {Persons, Refuse},
	actUnmute:                {Persons, Refuse},
	actDismissRecommendation: {Persons, Refuse},
	actDeleteAccount:         {Persons, Refuse},
	actMarkNotificationsRead: {Persons, Refuse},

	// Queries: me is null without a token; a command's outcome is its
	// actor's (and admins'); the ledger is for admins; a wallet's records
	// are seen with the wallet.
	actMe:                      {Persons, Hide},
	actPerson:                  {Anyone, Refuse},
	actRecommendedPeople:       {Persons, Refuse},
	actCommandReceipt:          {Persons, Refuse},
	actCommandOutcome:          {SelfOrAdmin, Refuse},
	actLedger:                  {Admins, Refuse},
	actWalletTransfers:         {SelfOrAdmin, Hide},
	actSearchPersons:           {Anyone, Refuse},
	actInterests:               {Anyone, Refuse},
	actTrendingInterests:       {Anyone, Refuse},
	actRelatedInterests:        {Anyone, Refuse},
	actNotifications:           {Persons, Refuse},
	actUnreadNotificationCount: {Persons, Refuse},

	// Private fields of a person: null for everyone else.
	SeeEmail:        {SelfOrAdmin, Hide},
	SeeWallet:       {SelfOrAdmin, Hide},
	SeeRelationship: {Persons, Hide},

	// Subscriptions.
	actSubscribeNotifications: {Persons, Refuse},
	actSubscribePersonEvents:  {Anyone, Refuse},
	actSubscribeGraphEvents:   {Admins, Refuse},
}

// decide applies act's rule to the caller of ctx about something of
// owner's ("" when it belongs to nobody): the caller, whether they may,
// and for a refusal the error to answer.
func decide(ctx context.Context, act Action, owner string) (caller.Identity, bool, error) {
	rule, ok := rules[act]
	if !ok {
		return caller.Identity{}, false, fmt.Errorf("authorization: no rule for %q", act)
	}
	if rule.Who == Anyone {
		id, _ := caller.FromContext(ctx)
		return id, true, nil
	}
	if rule.Denial == Hide {
		id, ok := caller.FromContext(ctx)
		return id, ok && rule.admits(id, owner), nil
	}
	id, err := caller.Require(ctx)
	if err != nil {
		return caller.Identity{}, false, err
	}
	if !rule.admits(id, owner) {
		return id, false, caller.ErrForbidden
	}
	return id, true, nil
}

// admits reports whether the signed-in id is in the rule's audience.
func (r Rule) admits(id caller.Identity, owner string) bool {
	switch r.Who {
	case Anyone, Persons:
		return true
	case Admins:
		return id.IsAdmin()
	case SelfOrAdmin:
		return id.PersonID == owner || id.IsAdmin()
	}
	return false
}

// permits applies act's rule to a caller already let in by decide: a
// second check once the owner is known.
func permits(id caller.Identity, act Action, owner string) bool {
	rule, ok := rules[act]
	return ok && rule.admits(id, owner)
}

// seenBy returns p as the signed-in caller id may see it: without the
// private fields the table hides from them.
func seenBy(id caller.Identity, p store.Person) store.Person {
	if !permits(id, SeeEmail, p.ID) {
		p.Email = ""
	}
	return p
}

// MaySee reports whether the caller of ctx may see the private field act
// of the person owner.
func MaySee(ctx context.Context, act Action, owner string) bool {
	_, ok, err := decide(ctx, act, owner)
	return ok && err == nil
}

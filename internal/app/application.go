package app

import (
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Application is the application layer as the transports see it: the
// resolvers' only entry. Each field is one use case, built below and
// written in the file named beside it.
type Application struct {
	Commands Commands
	Queries  Queries
}

// Commands are the mutations: each signs in with the auth component, or
// sends a command and waits (bounded) for its outcome.
type Commands struct {
	Register              Handler[Register, Session]              // session.go
	Login                 Handler[Login, Session]                 // session.go
	LoginWithIDToken      Handler[LoginWithIDToken, Session]      // session.go
	RefreshToken          Handler[RefreshSession, Session]        // session.go
	Logout                Handler[Logout, struct{}]               // session.go
	AddInterest           Handler[AddInterest, Receipt]           // interest.go
	RemoveInterest        Handler[RemoveInterest, Receipt]        // interest.go
	Follow                Handler[Follow, Receipt]                // follow.go
	Unfollow              Handler[Unfollow, Receipt]              // follow.go
	TransferCoins         Handler[TransferCoins, Receipt]         // transfer.go
	UpdateProfile         Handler[UpdateProfile, Receipt]         // profile.go
	Block                 Handler[Relation, Receipt]              // relation.go
	Unblock               Handler[Relation, Receipt]              // relation.go
	Mute                  Handler[Relation, Receipt]              // relation.go
	Unmute                Handler[Relation, Receipt]              // relation.go
	DismissRecommendation Handler[Relation, Receipt]              // relation.go
	DeleteAccount         Handler[DeleteAccount, Receipt]         // erase.go
	MarkNotificationsRead Handler[MarkNotificationsRead, Receipt] // inbox.go
}

// Queries are the reads: of the read model, and the opening of
// subscriptions (through the Streams port, to the transport's Subscriber).
type Queries struct {
	Me                      Handler[Me, *store.PersonRead]                       // person.go
	Person                  Handler[PersonByID, *store.PersonRead]               // person.go
	RecommendedPeople       Handler[RecommendedPeople, Recommendations]          // recommend.go
	CommandReceipt          Handler[CommandReceipt, Receipt]                     // receipt.go
	Ledger                  Handler[Ledger, store.Ledger]                        // ledger.go
	Transfers               Handler[Transfers, store.TransferPage]               // ledger.go
	SearchPersons           Handler[SearchPersons, store.PersonPage]             // discover.go
	Interests               Handler[Interests, store.InterestPage]               // discover.go
	TrendingInterests       Handler[TrendingInterests, []store.TrendingInterest] // discover.go
	RelatedInterests        Handler[RelatedInterests, []store.RelatedInterest]   // discover.go
	Notifications           Handler[Notifications, store.NotificationPage]       // inbox.go
	UnreadNotificationCount Handler[UnreadNotificationCount, int]                // inbox.go
	OpenNotifications       Handler[OpenNotifications, struct{}]                 // streams.go
	OpenPersonEvents        Handler[OpenPersonEvents, struct{}]                  // streams.go
	OpenGraphEvents         Handler[OpenGraphEvents, struct{}]                   // streams.go

	batches batches
}

// Loaders returns the batched reads of the per-request dataloaders
// (batches.go): the only reads outside the handlers, all public.
func (q Queries) Loaders() Batches { return q.batches }

// application builds the application, refusing handlers without a rule.
func (s *service) application() (*Application, error) {
	b := &builder{log: s.cfg.Log}
	a := s.build(b)
	if err := b.check(); err != nil {
		return nil, err
	}
	return a, nil
}

// build builds every handler, each wrapped once by decorate under its
// action: the action's row in authz.go says who may run it.
func (s *service) build(b *builder) *Application {
	cmds := Commands{
		Register:              decorate(b, actRegister, s.register),
		Login:                 decorate(b, actLogin, s.login),
		LoginWithIDToken:      decorate(b, actLoginWithIDToken, s.loginWithIDToken),
		RefreshToken:          decorate(b, actRefreshToken, s.refresh),
		Logout:                decorate(b, actLogout, s.logout),
		AddInterest:           decorate(b, actAddInterest, s.addInterest),
		RemoveInterest:        decorate(b, actRemoveInterest, s.removeInterest),
		Follow:                decorate(b, actFollow, s.follow),
		Unfollow:              decorate(b, actUnfollow, s.unfollow),
		TransferCoins:         decorate(b, actTransferCoins, s.transferCoins),
		UpdateProfile:         decorate(b, actUpdateProfile, s.updateProfile),
		Block:                 decorate(b, actBlock, s.relate(domain.CmdBlock)),
		Unblock:               decorate(b, actUnblock, s.relate(domain.CmdUnblock)),
		Mute:                  decorate(b, actMute, s.relate(domain.CmdMute)),
		Unmute:                decorate(b, actUnmute, s.relate(domain.CmdUnmute)),
		DismissRecommendation: decorate(b, actDismissRecommendation, s.relate(domain.CmdDismissRecommendation)),
		DeleteAccount:         decorate(b, actDeleteAccount, s.deleteAccount),
		MarkNotificationsRead: decorate(b, actMarkNotificationsRead, s.markNotificationsRead),
	}
	queries := Queries{
		Me:                      decorate(b, actMe, s.me),
		Person:                  decorate(b, actPerson, s.person),
		RecommendedPeople:       decorate(b, actRecommendedPeople, s.recommendedPeople),
		CommandReceipt:          decorate(b, actCommandReceipt, s.commandReceipt),
		Ledger:                  decorate(b, actLedger, s.ledger),
		Transfers:               decorate(b, actWalletTransfers, s.transfers),
		SearchPersons:           decorate(b, actSearchPersons, s.searchPersons),
		Interests:               decorate(b, actInterests, s.interests),
		TrendingInterests:       decorate(b, actTrendingInterests, s.trendingInterests),
		RelatedInterests:        decorate(b, actRelatedInterests, s.relatedInterests),
		Notifications:           decorate(b, actNotifications, s.notifications),
		UnreadNotificationCount: decorate(b, actUnreadNotificationCount, s.unreadNotificationCount),
		OpenNotifications:       decorate(b, actSubscribeNotifications, s.openNotifications),
		OpenPersonEvents:        decorate(b, actSubscribePersonEvents, s.openPersonEvents),
		OpenGraphEvents:         decorate(b, actSubscribeGraphEvents, s.openGraphEvents),
		batches:                 batches{r: s.reader},
	}
	return &Application{Commands: cmds, Queries: queries}
}

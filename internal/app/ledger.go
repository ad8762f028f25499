package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Ledger returns the ledger summary; admins only.
func (a *App) Ledger(ctx context.Context) (store.Ledger, error) {
	id, err := auth.Require(ctx)
	if err != nil {
		return store.Ledger{}, err
	}
	if !id.IsAdmin() {
		return store.Ledger{}, auth.ErrForbidden
	}
	return a.reader.Ledger(ctx)
}

// Transfers pages the ledger records of one wallet: both directions and
// grants, newest first.
type Transfers struct {
	PersonID string
	Page     store.Page
}

// Transfers answers Wallet.transfers.
func (a *App) Transfers(ctx context.Context, q Transfers) (store.TransferPage, error) {
	return a.reader.Transfers(ctx, q.PersonID, q.Page)
}

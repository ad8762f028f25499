package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/store"
)

// Ledger returns the ledger summary; admins only.
func (a *App) Ledger(ctx context.Context) (store.Ledger, error) {
	if _, err := authorize(ctx, actLedger, ""); err != nil {
		return store.Ledger{}, err
	}
	return a.reader.Ledger(ctx)
}

// Transfers pages the ledger records of one wallet: both directions and
// grants, newest first.
type Transfers struct {
	PersonID string
	Page     store.Page
}

// Transfers answers Wallet.transfers: nothing to whom the wallet is hidden.
func (a *App) Transfers(ctx context.Context, q Transfers) (store.TransferPage, error) {
	if _, ok, err := decide(ctx, actWalletTransfers, q.PersonID); !ok {
		return store.TransferPage{}, err
	}
	return a.reader.Transfers(ctx, q.PersonID, q.Page)
}

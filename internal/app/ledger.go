package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/store"
)

// Ledger asks for the whole ledger at a glance (admins only).
type Ledger struct{}

// Transfers pages the ledger records of one wallet: both directions and
// grants, newest first. Seen by whoever sees the wallet.
type Transfers struct {
	PersonID string
	Page     store.Page
}

func (q Transfers) owner() string { return q.PersonID }

func (s *service) ledger(ctx context.Context, _ caller.Identity, _ Ledger) (store.Ledger, error) {
	return s.reader.Ledger(ctx)
}

func (s *service) transfers(ctx context.Context, _ caller.Identity, q Transfers) (store.TransferPage, error) {
	return s.reader.Transfers(ctx, q.PersonID, q.Page)
}

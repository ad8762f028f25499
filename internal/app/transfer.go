package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/caller"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// TransferCoins sends Amount coins from the caller to To, with an
// optional memo.
type TransferCoins struct {
	To     string
	Amount int64
	Memo   string
}

// transferCoins refuses a transfer of the wrong shape (BAD_USER_INPUT);
// the balance is checked by the consumer, under the database's lock, and a
// shortfall is a REJECTED receipt.
func (s *service) transferCoins(ctx context.Context, caller caller.Identity, c TransferCoins) (Receipt, error) {
	p := domain.TransferPayload{To: c.To, Amount: c.Amount, Memo: c.Memo}
	if err := domain.ValidateTransfer(caller.PersonID, p); err != nil {
		return Receipt{}, err
	}
	return s.send(ctx, domain.CmdTransferCoins, caller.PersonID, p)
}

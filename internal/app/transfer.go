package app

import (
	"context"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// TransferCoins sends coins from the caller to another person. Shape
// errors are BAD_USER_INPUT here; the balance is checked by the consumer,
// under the database's lock, and a shortfall is a REJECTED receipt.
func (a *App) TransferCoins(ctx context.Context, to string, amount int64, memo string) (Receipt, error) {
	id, err := authorize(ctx, actTransferCoins, "")
	if err != nil {
		return Receipt{}, err
	}
	p := domain.TransferPayload{To: to, Amount: amount, Memo: memo}
	if err := domain.ValidateTransfer(id.PersonID, p); err != nil {
		return Receipt{}, err
	}
	cmd, err := domain.NewCommand(domain.CmdTransferCoins, id.PersonID, p, a.now())
	if err != nil {
		return Receipt{}, err
	}
	return a.dispatch(ctx, cmd)
}

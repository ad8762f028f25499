package domain

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// Coin rules, documented in the README.
const (
	MaxTransfer  = 1_000_000
	MaxMemoLen   = 140
	GrantWelcome = "WELCOME"
	TransferKind = "TRANSFER"
	GrantKind    = "GRANT"
)

// TransferPayload moves Amount coins from the actor to To.
type TransferPayload struct {
	To     string `json:"to"`
	Amount int64  `json:"amount"`
	Memo   string `json:"memo,omitempty"`
}

// CoinsGrantedData is the data of EvCoinsGranted: coins minted by the
// system. TransferID names the ledger record (the causing command's id).
type CoinsGrantedData struct {
	TransferID string `json:"transferId"`
	PersonID   string `json:"personId"`
	Amount     int64  `json:"amount"`
	Reason     string `json:"reason"`
}

// CoinsTransferredData is the data of EvCoinsTransferred.
type CoinsTransferredData struct {
	TransferID string `json:"transferId"`
	From       string `json:"from"`
	To         string `json:"to"`
	Amount     int64  `json:"amount"`
	Memo       string `json:"memo,omitempty"`
}

// ValidateTransfer checks the shape of a transfer (the gateway answers
// BAD_USER_INPUT with it; the consumer checks again).
func ValidateTransfer(actor string, p TransferPayload) error {
	if _, err := ParsePersonID("to", p.To); err != nil {
		return err
	}
	if p.To == actor {
		return Invalid("to", "you cannot send coins to yourself")
	}
	if p.Amount < 1 || p.Amount > MaxTransfer {
		return Invalid("amount", "amount must be between 1 and %d", MaxTransfer)
	}
	if utf8.RuneCountInString(p.Memo) > MaxMemoLen {
		return Invalid("memo", "memo must be at most %d characters", MaxMemoLen)
	}
	return nil
}

// decideTransfer accepts a well-formed transfer to an existing person. It
// does not read the balance: the store applies the event under a guard in
// the same transaction and turns a shortfall into INSUFFICIENT_FUNDS, so
// two concurrent transfers can never both spend the same coins.
func decideTransfer(ctx context.Context, _ Policy, s State, cmd Command, p TransferPayload, now time.Time) (Outcome, error) {
	reject := func(reason string) (Outcome, error) { return Rejected(cmd, reason), nil }
	if p.To == cmd.Actor {
		return reject(ReasonSelfTransfer)
	}
	if ValidateTransfer(cmd.Actor, p) != nil {
		return reject(ReasonInvalidPayload)
	}
	ok, err := s.PersonExists(ctx, p.To)
	if err != nil {
		return Outcome{}, fmt.Errorf("decide %s: %w", cmd.ID, err)
	}
	if !ok {
		return reject(ReasonRecipientNotFound)
	}
	if blocked, err := blockedPair(ctx, s, cmd.Actor, p.To); err != nil || blocked {
		return blockedOutcome(cmd, err)
	}
	ev, err := newEvent(cmd, 0, EvCoinsTransferred, now, CoinsTransferredData{TransferID: cmd.ID, From: cmd.Actor, To: p.To, Amount: p.Amount, Memo: p.Memo})
	if err != nil {
		return Outcome{}, err
	}
	return applied(cmd, ev), nil
}

// ErrInsufficientFunds is returned by a store whose guarded transfer found
// the sender's balance short; the command is then REJECTED.
var ErrInsufficientFunds = &Error{Kind: KindInvalid, Message: "insufficient funds"}

// Rejected returns the outcome of cmd rejected for reason.
func Rejected(cmd Command, reason string) Outcome {
	return Outcome{CommandID: cmd.ID, Status: StatusRejected, Reason: reason}
}

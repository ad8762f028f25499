package domain

import (
	"context"
	"time"
)

// CmdDeleteAccount erases the actor: the password (if any) was checked by
// the auth component before the command was sent.
const CmdDeleteAccount CommandType = "DeleteAccount"

// EvAccountDeleted records that a person left. Applying it removes the
// person's node and edges, account, provider link and refresh-token
// families, and burns the remaining balance with a BURN ledger record
// (the causing command's id), so that supply and balances still agree.
const EvAccountDeleted EventType = "AccountDeleted"

// BurnKind is the ledger record of coins destroyed with a deleted account.
const BurnKind = "BURN"

// AccountDeletedData is the data of EvAccountDeleted.
type AccountDeletedData struct {
	PersonID string `json:"personId"`
}

// DeletedPersonName is what ledger records show for a party who deleted
// their account: the records stay (the coins moved), the person does not.
const DeletedPersonName = "Deleted account"

// decideDeleteAccount decides DeleteAccount; the actor exists. It carries
// no payload.
func decideDeleteAccount(_ context.Context, _ Policy, _ State, cmd Command, _ noPayload, now time.Time) (Outcome, error) {
	ev, err := newEvent(cmd, 0, EvAccountDeleted, now, AccountDeletedData{PersonID: cmd.Actor})
	if err != nil {
		return Outcome{}, err
	}
	return applied(cmd, ev), nil
}

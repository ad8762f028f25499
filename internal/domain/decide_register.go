package domain

import (
	"context"
	"time"
)

// decideRegister decides RegisterPerson for an actor that does not exist
// yet (Decide answers a repeat once it does): the person, and the welcome
// grant when the policy has one.
func decideRegister(_ context.Context, pol Policy, _ State, cmd Command, p RegisterPersonPayload, now time.Time) (Outcome, error) {
	name, err1 := NormalizeName(p.Name)
	email, err2 := NormalizeEmail(p.Email)
	if err1 != nil || err2 != nil {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	ev, err := newEvent(cmd, 0, EvPersonRegistered, now, PersonRegisteredData{PersonID: cmd.Actor, Name: name, Email: email})
	if err != nil {
		return Outcome{}, err
	}
	if pol.WelcomeCoins <= 0 {
		return applied(cmd, ev), nil
	}
	grant, err := newEvent(cmd, 1, EvCoinsGranted, now, CoinsGrantedData{TransferID: cmd.ID, PersonID: cmd.Actor, Amount: pol.WelcomeCoins, Reason: GrantWelcome})
	if err != nil {
		return Outcome{}, err
	}
	return applied(cmd, ev, grant), nil
}

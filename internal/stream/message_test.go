package stream

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// TestLiveNotificationIsTheStoresNotification: what a message tells its
// recipient, read from the data decoded once, is what domain.NotificationOf
// (the stores' decision) reads from the event, for every kind of event;
// and a notification is published to its recipient's topic.
func TestLiveNotificationIsTheStoresNotification(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	event := func(typ domain.EventType, data string) domain.Event {
		return domain.Event{ID: domain.NewID(), Type: typ, Subject: "a", At: at, Data: json.RawMessage(data)}
	}
	for _, ev := range []domain.Event{
		event(domain.EvFollowed, `{"followerId":"a","followeeId":"b"}`),
		event(domain.EvUnfollowed, `{"followerId":"a","followeeId":"b"}`),
		event(domain.EvCoinsTransferred, `{"transferId":"t","from":"a","to":"b","amount":7}`),
		event(domain.EvCoinsGranted, `{"transferId":"t","personId":"a","amount":100}`),
		event(domain.EvInterestAdded, `{"personId":"a","interest":"go"}`),
		event(domain.EvFollowed, `not json`),
	} {
		m := NewMessage(ev)
		got, ok := m.Notification()
		want, wantOK := domain.NotificationOf(ev)
		if got != want || ok != wantOK {
			t.Errorf("%s %s: live %+v %v, stores %+v %v", ev.Type, ev.Data, got, ok, want, wantOK)
		}
		if to := Recipient(want.Recipient); wantOK != slices.Contains(m.Topics(), to) || wantOK != m.IsFor(to) {
			t.Errorf("%s %s: published to %v, want the recipient's topic %v: %v", ev.Type, ev.Data, m.Topics(), to, wantOK)
		}
	}
}

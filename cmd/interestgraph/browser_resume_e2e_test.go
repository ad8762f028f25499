package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// The "Done when", tried as a new user would: Bo signs up in the
// app and opens the playground in two tabs of his browser. The watcher tab
// subscribes to his personEvents and sees an interest he adds in the actor
// tab, with its cursor. The watcher stops its subscription; Bo follows and
// unfollows Ada in the actor tab. The watcher subscribes again with after:
// the last cursor it was shown and gets exactly what it missed, Followed
// then Unfollowed (by command id), nothing before them and nothing twice,
// then the next live event. The test reads every message of the watcher's
// WebSockets from the browser (CDP Network events), so it sees the whole
// sequence, not only the latest result GraphiQL shows.
func TestBrowserPlaygroundTabResumesFromCursor(t *testing.T) {
	forStacks(t, func(t *testing.T, st stack) {
		// A page left for another waits in the back-forward cache with its
		// socket open, until the gateway's ping times out (30 s): the hub
		// would count the app's subscriptions that long.
		br := newBrowser(t, chromedp.Flag("disable-back-forward-cache", true))
		rs := startService(t, testConfig(t, st), roles{gateway: true, consumer: true})
		id := strings.ToLower(testsupport.Letters())
		ada := rs.register(t, "Ada")

		actor := br.newTab(t, "actor")
		boID := actor.signUp(rs.url, "Bo "+id, "bo-"+id+"@example.com")
		actor.openPlayground(rs.url)
		// The app's own subscriptions end with its page: from here on the
		// hub's count is the watcher's.
		eventually(t, 30*time.Second, "the app's subscriptions closed", func() bool { return rs.hub.Count() == 0 })

		watcher := actor.sibling("watcher")
		frames := watcher.recordWebSockets()
		watcher.openPlayground(rs.url)
		first := watcher.subscribe(frames, boEventsQuery(boID, ""))
		rs.waitSubscriptions(t, 1) // open before Bo acts, as a tab left open would be
		added := actor.mutate("addInterest", fmt.Sprintf("name: %q", "kites-"+id))
		frames.expect(t, first, []wantEvent{{"InterestAdded", added, ""}})
		last := watcher.shownEvent(added).Cursor // what the user sees and copies
		if seen := frames.events(t, first); seen[0].Cursor != last || last == "" {
			t.Fatalf("the response pane shows cursor %q, the socket carried %q", last, seen[0].Cursor)
		}
		watcher.screenshot("live")

		watcher.stop(frames, first)
		eventually(t, 30*time.Second, "the stopped subscription closed", func() bool { return rs.hub.Count() == 0 })
		missed := []wantEvent{
			{"Followed", actor.mutate("follow", fmt.Sprintf("personId: %q", ada.ID)), ada.ID},
			{"Unfollowed", actor.mutate("unfollow", fmt.Sprintf("personId: %q", ada.ID)), ada.ID},
		}
		actor.screenshot("unfollowed")

		second := watcher.subscribe(frames, boEventsQuery(boID, last))
		frames.expect(t, second, missed)
		watcher.shownEvent(missed[1].commandID)
		watcher.screenshot("resumed")
		live := wantEvent{"InterestAdded", actor.mutate("addInterest", fmt.Sprintf("name: %q", "gliders-"+id)), ""}
		frames.expect(t, second, append(slices.Clone(missed), live))
		watcher.shownEvent(live.commandID)
		watcher.screenshot("live-after-resume")

		// Nothing more came meanwhile: no late duplicate on the resumed
		// subscription, nothing on the stopped one.
		frames.expect(t, second, append(slices.Clone(missed), live))
		frames.expect(t, first, []wantEvent{{"InterestAdded", added, ""}})
		for _, tb := range []*tab{actor, watcher} {
			if errs := tb.consoleErrors(); len(errs) > 0 {
				t.Errorf("%s: console errors: %q", tb.name, errs)
			}
		}
	})
}

// boEventsQuery is the subscription the watcher types, resuming after
// cursor when there is one.
func boEventsQuery(personID, cursor string) string {
	after := ""
	if cursor != "" {
		after = fmt.Sprintf("\n    after: %q", cursor)
	}
	return fmt.Sprintf(`subscription {
  personEvents(
    personId: %q%s
  ) {
    __typename cursor commandId
    ... on Followed { followee { id } }
    ... on Unfollowed { followee { id } }
  }
}`, personID, after)
}

// The playground's editors are CodeMirror 5 instances.
const (
	queryEditorJS    = `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror`
	responseEditorJS = `document.querySelector('.graphiql-response .CodeMirror').CodeMirror`
	executeButton    = `.graphiql-execute-button`
)

// openPlayground opens GraphiQL at / and waits until its editors are up.
func (tb *tab) openPlayground(base string) {
	tb.t.Helper()
	tb.do("open playground", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(executeButton)))
	tb.waitFor("editors", `!!document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror &&
		!!document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror`)
}

// run puts op in the query editor, as typing or pasting it would, clears
// the response pane and presses the execute button.
func (tb *tab) run(op string) {
	tb.t.Helper()
	js, _ := json.Marshal(op)
	var ignored string
	tb.eval(fmt.Sprintf(`%s.setValue(%s); %s.setValue(''); true`, queryEditorJS, js, responseEditorJS), &ignored)
	// GraphiQL parses the editor's text 100 ms after a change, and sends
	// over the WebSocket only what it has parsed as a subscription.
	tb.waitFor("operation parsed", fmt.Sprintf(`%s.documentAST?.loc?.source?.body === %s.getValue()`, queryEditorJS, queryEditorJS))
	tb.do("execute", chromedp.Click(chromedp.CSS(executeButton)))
}

// mutate runs a mutation answering a CommandReceipt and returns its command
// id once the response pane shows it APPLIED.
func (tb *tab) mutate(field, args string) (commandID string) {
	tb.t.Helper()
	tb.run(fmt.Sprintf("mutation {\n  %s(%s) { commandId status }\n}", field, args))
	tb.waitFor(field+" applied", fmt.Sprintf(`(() => {
		try { return JSON.parse(%s.getValue()).data.%s.status === 'APPLIED'; } catch { return false; }
	})()`, responseEditorJS, field))
	tb.eval(fmt.Sprintf(`JSON.parse(%s.getValue()).data.%s.commandId`, responseEditorJS, field), &commandID)
	return commandID
}

// subscribe runs a subscription and returns the id its subscribe message
// carried on the tab's WebSocket, once the button offers to stop it.
func (tb *tab) subscribe(frames *wsFrames, op string) (subscriptionID string) {
	tb.t.Helper()
	before := len(frames.sent("subscribe"))
	tb.run(op)
	tb.waitFor("subscribed", fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-label').startsWith('Stop')`, executeButton))
	eventually(tb.t, 15*time.Second, "the subscribe message", func() bool { return len(frames.sent("subscribe")) > before })
	return frames.sent("subscribe")[before].ID
}

// stop presses the button again, which ends the running subscription: the
// socket carries its complete message.
func (tb *tab) stop(frames *wsFrames, subscriptionID string) {
	tb.t.Helper()
	tb.do("stop", chromedp.Click(chromedp.CSS(executeButton)))
	tb.waitFor("stopped", fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-label').startsWith('Execute')`, executeButton))
	eventually(tb.t, 15*time.Second, "the complete message", func() bool {
		return slices.ContainsFunc(frames.sent("complete"), func(f wsFrame) bool { return f.ID == subscriptionID })
	})
}

// shownEvent waits until the response pane shows the event of commandID
// (GraphiQL shows a subscription's latest event) and returns it.
func (tb *tab) shownEvent(commandID string) personEventFrame {
	tb.t.Helper()
	expr := fmt.Sprintf(`(() => { try { return JSON.parse(%s.getValue()).data.personEvents; } catch { return null; } })()`, responseEditorJS)
	tb.waitFor("the response pane shows "+commandID, fmt.Sprintf(`(%s)?.commandId === %q`, expr, commandID))
	var raw string
	tb.eval(fmt.Sprintf(`JSON.stringify(%s)`, expr), &raw)
	var ev personEventFrame
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		tb.t.Fatalf("%s: response pane %s: %v", tb.name, raw, err)
	}
	return ev
}

// wsFrames holds the graphql-transport-ws messages a tab's WebSockets sent
// and received, in the order the browser reported them.
type wsFrames struct {
	mu     sync.Mutex
	frames []wsFrame
}

type wsFrame struct {
	sent    bool
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

type personEventFrame struct {
	Typename  string `json:"__typename"`
	Cursor    string `json:"cursor"`
	CommandID string `json:"commandId"`
	Followee  struct {
		ID string `json:"id"`
	} `json:"followee"`
}

type wantEvent struct{ typename, commandID, followee string }

// recordWebSockets starts recording the tab's WebSocket messages; call it
// before the page opens its sockets.
func (tb *tab) recordWebSockets() *wsFrames {
	tb.t.Helper()
	f := &wsFrames{}
	add := func(sent bool, w *network.WebSocketFrame) {
		var fr wsFrame
		if w == nil || json.Unmarshal([]byte(w.PayloadData), &fr) != nil {
			return
		}
		fr.sent = sent
		f.mu.Lock()
		f.frames = append(f.frames, fr)
		f.mu.Unlock()
	}
	err := chromedp.Listen(tb.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventWebSocketFrameSent:
			add(true, ev.Response)
		case *network.EventWebSocketFrameReceived:
			add(false, ev.Response)
		}
	})
	if err != nil {
		tb.t.Fatalf("%s: listen: %v", tb.name, err)
	}
	return f
}

func (f *wsFrames) sent(typ string) []wsFrame {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []wsFrame
	for _, fr := range f.frames {
		if fr.sent && fr.Type == typ {
			out = append(out, fr)
		}
	}
	return out
}

// events returns the events received for a subscription, failing the test
// on an error for it.
func (f *wsFrames) events(t *testing.T, id string) []personEventFrame {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []personEventFrame
	for _, fr := range f.frames {
		if fr.sent || fr.ID != id || fr.Type == "complete" {
			continue
		}
		var r struct {
			Data   struct{ PersonEvents personEventFrame }
			Errors []gqlError
		}
		if err := json.Unmarshal(fr.Payload, &r); fr.Type != "next" || err != nil || len(r.Errors) > 0 {
			t.Fatalf("subscription %s: %s %s", id, fr.Type, fr.Payload)
		}
		out = append(out, r.Data.PersonEvents)
	}
	return out
}

// expect waits until subscription id has received as many events as want
// holds, then checks that they are exactly those, in order.
func (f *wsFrames) expect(t *testing.T, id string, want []wantEvent) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	got := f.events(t, id)
	for ; len(got) < len(want) && time.Now().Before(deadline); got = f.events(t, id) {
		time.Sleep(50 * time.Millisecond)
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		g, w := got[i], want[i]
		ok = g.Typename == w.typename && g.CommandID == w.commandID && g.Followee.ID == w.followee && g.Cursor != ""
	}
	if !ok {
		t.Fatalf("subscription %s received %+v, want %+v", id, got, want)
	}
}

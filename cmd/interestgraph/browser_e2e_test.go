package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// Two people in two browsers on the embedded default: Bo finds Ada among
// the recommendations and follows her; Ada's page shows the notification
// and the new edge of her ego graph live, without a reload. Ada finds Bo
// by name and follows back; Bo pays Ada; Bo signs out and in. Then Ada opens
// the playground at /, which loads only from our origin and runs a query
// with her token in the headers editor.
func TestBrowserFollowShowsLiveAndPlaygroundRunsOffline(t *testing.T) {
	br := newBrowser(t)
	rs := startService(t, testConfig(t, embeddedStack), roles{gateway: true, consumer: true})
	id := strings.ToLower(testsupport.Letters())
	interest := "kite-" + id

	ada, bo := br.newTab(t, "ada"), br.newTab(t, "bo")
	adaID := ada.signUp(rs.url, "Ada "+id, "ada-"+id+"@example.com")
	ada.waitFor("live", `document.getElementById('live-status').textContent === 'live'`)
	ada.addInterest(interest)
	boID := bo.signUp(rs.url, "Bo "+id, "bo-"+id+"@example.com")
	bo.addInterest(interest)

	// Recommendations are computed when asked: ask again until Ada is in.
	follow := fmt.Sprintf(`#recommendations button.follow[data-id=%q]`, adaID)
	bo.waitFor("Ada recommended", fmt.Sprintf(`(() => {
		if (document.querySelector(%q)) return true;
		document.getElementById('refresh-recommendations').click();
		return false;
	})()`, follow))
	bo.do("follow Ada", chromedp.Click(chromedp.CSS(follow)))

	edge := fmt.Sprintf("f:%s>%s", boID, adaID)
	ada.waitFor("notification", fmt.Sprintf(
		`!!document.querySelector('#notifications li[data-kind="FOLLOWED"][data-actor=%q]')`, boID))
	ada.waitFor("edge on Ada's graph", fmt.Sprintf(`document.getElementById('graph').dataset.follows.split(' ').includes(%q)`, edge))
	bo.waitFor("edge on Bo's graph", fmt.Sprintf(`document.getElementById('graph').dataset.follows.split(' ').includes(%q)`, edge))
	ada.screenshot("followed")
	bo.screenshot("following")

	// Ada finds Bo by name and follows back.
	back := fmt.Sprintf(`#search-results button.follow[data-id=%q]`, boID)
	ada.do("search Bo",
		chromedp.SendKeys(chromedp.CSS(`#search-form input[name=q]`), "Bo "+id),
		chromedp.Click(chromedp.CSS(`#search-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(back)),
		chromedp.Click(chromedp.CSS(back)),
	)
	bo.waitFor("Bo told", fmt.Sprintf(
		`!!document.querySelector('#notifications li[data-kind="FOLLOWED"][data-actor=%q]')`, adaID))
	bo.waitFor("edge back on Bo's graph", fmt.Sprintf(
		`document.getElementById('graph').dataset.follows.split(' ').includes(%q)`, fmt.Sprintf("f:%s>%s", adaID, boID)))

	// Bo pays Ada from the wallet form; Ada is told and her balance grows.
	var before string
	ada.eval(`document.getElementById('balance').textContent`, &before)
	bo.do("transfer",
		chromedp.SendKeys(chromedp.CSS(`#transfer-form input[name=to]`), adaID),
		chromedp.SendKeys(chromedp.CSS(`#transfer-form input[name=amount]`), "7"),
		chromedp.SendKeys(chromedp.CSS(`#transfer-form input[name=memo]`), "for the kite"),
		chromedp.Click(chromedp.CSS(`#transfer-form button[type=submit]`)),
	)
	ada.waitFor("coins received", fmt.Sprintf(
		`!!document.querySelector('#notifications li[data-kind="COINS_RECEIVED"][data-actor=%q]')`, boID))
	ada.waitFor("balance", fmt.Sprintf(`document.getElementById('balance').textContent === String(%s + 7)`, before))

	// Bo signs out and in again: the graph is back.
	bo.do("sign out", chromedp.Click(chromedp.CSS(`#signout`)), chromedp.WaitVisible(chromedp.CSS(`#signin`)))
	bo.waitFor("page forgotten", `document.getElementById('me-id').textContent === '' &&
		document.getElementById('graph').dataset.follows === '' && localStorage.getItem('interestgraph.session') === null`)
	bo.do("sign in",
		chromedp.SendKeys(chromedp.CSS(`#signin input[name=email]`), "bo-"+id+"@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#signin input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`#signin button[type=submit]`)),
	)
	bo.waitFor("edge after signing in", fmt.Sprintf(`document.getElementById('graph').dataset.follows.split(' ').includes(%q)`, edge))

	ada.playground(rs.url, "Ada "+id)
	for _, tb := range []*tab{ada, bo} {
		if errs := tb.consoleErrors(); len(errs) > 0 {
			t.Errorf("%s: console errors: %q", tb.name, errs)
		}
	}
}

func (tb *tab) signUp(base, name, email string) (personID string) {
	tb.t.Helper()
	tb.do("sign up",
		chromedp.Navigate(base+"/app/"),
		chromedp.WaitVisible(chromedp.CSS(`#signup`)),
		chromedp.SendKeys(chromedp.CSS(`#signup input[name=name]`), name),
		chromedp.SendKeys(chromedp.CSS(`#signup input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`#signup input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`#signup button[type=submit]`)),
	)
	tb.waitFor("signed in", `document.getElementById('me-id').textContent !== ''`)
	tb.eval(`document.getElementById('me-id').textContent`, &personID)
	return personID
}

func (tb *tab) addInterest(name string) {
	tb.t.Helper()
	tb.do("add interest",
		chromedp.SendKeys(chromedp.CSS(`#interest-form input[name=name]`), name),
		chromedp.Click(chromedp.CSS(`#interest-form button[type=submit]`)),
	)
	tb.waitFor("interest shown", fmt.Sprintf(
		`[...document.querySelectorAll('#interests li')].some(li => li.textContent.includes(%q))`, "#"+name))
}

// playground opens GraphiQL, runs its default query (me) with the token
// the app stored, and checks that every resource came from our origin.
func (tb *tab) playground(base, name string) {
	tb.t.Helper()
	tb.do("open playground",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)),
		chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)),
	)
	tb.waitFor("query result", fmt.Sprintf(
		`(document.querySelector('.graphiql-response')?.textContent ?? '').includes(%q)`, name))
	tb.screenshot("playground")
	var foreign []any
	tb.eval(`[...performance.getEntriesByType('resource').map(e => e.name),
		...[...document.scripts].map(s => s.src), ...[...document.styleSheets].map(s => s.href)]
		.filter(u => u && !u.startsWith(location.origin + '/'))`, &foreign)
	if len(foreign) > 0 {
		tb.t.Errorf("the playground loaded from other origins: %v", foreign)
	}
	var scripts []any
	tb.eval(`[...document.scripts].map(s => s.src).filter(Boolean)`, &scripts)
	if len(scripts) == 0 {
		tb.t.Errorf("the playground has no script of ours")
	}
}

// An access token outlived by the page: the gateway closes the socket with
// 4401 when it expires; the app refreshes the session, reopens the socket
// and stays live (a follow after the expiry still reaches the graph).
func TestBrowserStaysLiveAcrossTokenExpiry(t *testing.T) {
	br := newBrowser(t)
	cfg := testConfig(t, embeddedStack)
	cfg.AccessTokenTTL = 3 * time.Second // below the configurable minimum: the socket must expire during the test
	rs := startService(t, cfg, roles{gateway: true, consumer: true})
	id := strings.ToLower(testsupport.Letters())

	ada, bo := br.newTab(t, "ada"), br.newTab(t, "bo")
	adaID := ada.signUp(rs.url, "Ada "+id, "ada-"+id+"@example.com")
	var first string
	ada.eval(`JSON.parse(localStorage.getItem('interestgraph.session')).accessToken`, &first)
	ada.waitFor("socket reopened after 4401 with a refreshed token", fmt.Sprintf(`(() => {
		const s = document.getElementById('live-status');
		return Number(s.dataset.reauthenticated) >= 1 && s.textContent === 'live' &&
			JSON.parse(localStorage.getItem('interestgraph.session')).accessToken !== %q;
	})()`, first))

	boID := bo.signUp(rs.url, "Bo "+id, "bo-"+id+"@example.com")
	bo.do("follow Ada by id",
		chromedp.SendKeys(chromedp.CSS(`#follow-form input[name=id]`), adaID),
		chromedp.Click(chromedp.CSS(`#follow-form button[type=submit]`)),
	)
	ada.waitFor("edge after the expiry", fmt.Sprintf(
		`document.getElementById('graph').dataset.follows.split(' ').includes(%q)`, fmt.Sprintf("f:%s>%s", boID, adaID)))
	ada.screenshot("after-expiry")
	if errs := ada.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

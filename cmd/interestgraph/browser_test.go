package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interestgraph/interestgraph/internal/testsupport"
)

// artifactsDir is where browser tests leave screenshots (git-ignored).
const artifactsDir = "../../.artifacts/browser"

// browser is one headless Chromium for a test; each tab it opens is a
// separate browser context (its own cookies and localStorage), as two
// people on two machines would be.
type browser struct {
	ctx context.Context
}

func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(testsupport.Chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 900),
	}
	opts = append(opts, extra...)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Run starts the browser; it lives as long as ctx.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: ctx}
}

// tab is a page in a fresh browser context, with the console errors it logs.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

func (b *browser) newTab(t *testing.T, name string) *tab {
	t.Helper()
	return openTab(t, b.ctx, name, chromedp.WithNewBrowserContext())
}

// sibling opens another tab in tb's browser context: the same person's
// second tab, sharing its cookies and localStorage (so its session).
func (tb *tab) sibling(name string) *tab {
	tb.t.Helper()
	return openTab(tb.t, tb.ctx, name)
}

func openTab(t *testing.T, parent context.Context, name string, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, opts...)
	t.Cleanup(cancel)
	tb := &tab{t: t, name: name, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab %s: %v", name, err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				tb.mu.Lock()
				tb.errs = append(tb.errs, m.Text+" "+m.URL)
				tb.mu.Unlock()
			}
		}
	}()
	return tb
}

// do runs steps with a deadline, failing the test (with a screenshot).
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 25*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.screenshot("failed")
		tb.t.Fatalf("%s: %s: %v (console errors: %q)", tb.name, what, err, tb.consoleErrors())
	}
}

// waitFor polls a JavaScript condition until it holds. The deadline is
// generous for a loaded CI machine; on an idle one each wait takes well
// under a second.
func (tb *tab) waitFor(what, condition string) {
	tb.t.Helper()
	tb.do(what, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[chromedp.Void](condition,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second))(ctx, t)
		return err
	}))
}

func (tb *tab) eval(expr string, out any) {
	tb.t.Helper()
	var raw any
	tb.do("evaluate "+expr, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		v, err := chromedp.Evaluate[any](expr)(ctx, t)
		raw = v
		return err
	}))
	switch o := out.(type) {
	case *string:
		*o = fmt.Sprint(raw)
	case *[]any:
		*o, _ = raw.([]any)
	}
}

func (tb *tab) consoleErrors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.errs...)
}

func (tb *tab) screenshot(label string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("screenshot %s: %v", tb.name, err)
		return
	}
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	file := filepath.Join(artifactsDir, strings.NewReplacer("/", "_", " ", "_").Replace(tb.t.Name()+"-"+tb.name+"-"+label)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Logf("screenshot: %v", err)
	}
}

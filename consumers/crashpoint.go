package consumers

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// CrashAtEnv names the TEST-ONLY crash hook: "point" or "point:n" makes the
// process kill itself (SIGKILL, no cleanup) the n-th time (default 1) it
// reaches point. Crash tests use it to stop a consumer at exactly the
// instants where a lost or doubled effect would hide; unset (as in every
// deployment) the hook does nothing. It is deliberately not configuration
// (not in internal/config): no operator should ever set it.
const CrashAtEnv = "INTERESTGRAPH_CRASH_AT"

// The crash points, in the order a command passes them.
const (
	crashAfterDecide   = "after-decide"  // the decision transaction committed
	crashAfterEvents   = "after-events"  // its events published, not its outcome
	crashAfterOutcome  = "after-outcome" // its outcome published
	crashBeforeCommit  = "before-commit" // just before the offset commit
	crashPointsAllowed = crashAfterDecide + " " + crashAfterEvents + " " + crashAfterOutcome + " " + crashBeforeCommit
)

var crash struct {
	once  sync.Once
	mu    sync.Mutex
	point string
	left  int
}

// crashPoint kills the process if the hook is armed for point and this is
// its n-th arrival there.
func crashPoint(point string) {
	crash.once.Do(func() {
		spec, n := os.Getenv(CrashAtEnv), 1
		if p, count, ok := strings.Cut(spec, ":"); ok {
			spec = p
			if v, err := strconv.Atoi(count); err == nil && v > 0 {
				n = v
			}
		}
		if spec != "" && strings.Contains(" "+crashPointsAllowed+" ", " "+spec+" ") {
			crash.point, crash.left = spec, n
		}
	})
	if point == "" || crash.point != point {
		return
	}
	crash.mu.Lock()
	defer crash.mu.Unlock()
	if crash.left--; crash.left == 0 {
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			_ = p.Kill()
		}
		select {} // the signal is on its way; do nothing more
	}
}

// crashingPublisher adds the after-events and after-outcome points around
// a publisher, so that consumer.go needs no more than one line for them.
type crashingPublisher struct{ Publisher }

type eventsPublisher interface {
	PublishEvents(ctx context.Context, events []domain.Event) error
}

// withCrashPoints wraps pub only when the hook is armed for a publishing
// point: otherwise pub is returned as it is.
func withCrashPoints(pub Publisher) Publisher {
	if spec := os.Getenv(CrashAtEnv); !strings.HasPrefix(spec, crashAfterEvents) && !strings.HasPrefix(spec, crashAfterOutcome) {
		return pub
	}
	return crashingPublisher{pub}
}

func (c crashingPublisher) PublishOutcome(ctx context.Context, actor string, out domain.Outcome) error {
	// after-events: publish the events alone, as a process killed between
	// the two writes of Bus.PublishOutcome would have.
	if ep, ok := c.Publisher.(eventsPublisher); ok && len(out.Events) > 0 && crashArmedFor(crashAfterEvents) {
		if err := ep.PublishEvents(ctx, out.Events); err != nil {
			return err
		}
		crashPoint(crashAfterEvents)
	}
	if err := c.Publisher.PublishOutcome(ctx, actor, out); err != nil {
		return err
	}
	crashPoint(crashAfterOutcome)
	return nil
}

func crashArmedFor(point string) bool {
	crashPoint("") // parse the variable once
	return crash.point == point
}

package consumers

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/domain"
)

// CrashAtEnv names the TEST-ONLY crash hook: "point" or "point:n" makes the
// process kill itself (SIGKILL, no cleanup) when the n-th command (default
// 1) reaches point. Commands decided as a batch reach each point together:
// the process dies there with the whole batch, which holds the n-th. Crash tests use it to stop a consumer at exactly the
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

// crashPoint is crashPointAt for one command.
func crashPoint(point string) { crashPointAt(point, 1) }

// crashPointAt kills the process if the hook is armed for point and the
// commands arriving there (a batch of them) include the n-th.
func crashPointAt(point string, commands int) {
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
	if crash.left -= commands; crash.left <= 0 {
		// Tests read this line to know how large the batch was.
		fmt.Fprintf(os.Stderr, "%s: killed at %s with a batch of %d commands\n", CrashAtEnv, point, commands)
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

func (c crashingPublisher) PublishBatch(ctx context.Context, answers []bus.Answer) error {
	// after-events: the events of the batch alone, as a process killed
	// between the two writes of Bus.PublishBatch would have left them.
	if ep, ok := c.Publisher.(eventsPublisher); ok && crashArmedFor(crashAfterEvents) {
		var events []domain.Event
		with := 0 // commands with events
		for _, a := range answers {
			if len(a.Outcome.Events) > 0 {
				events, with = append(events, a.Outcome.Events...), with+1
			}
		}
		if with > 0 {
			if err := ep.PublishEvents(ctx, events); err != nil {
				return err
			}
			crashPointAt(crashAfterEvents, with)
		}
	}
	if err := c.Publisher.PublishBatch(ctx, answers); err != nil {
		return err
	}
	crashPointAt(crashAfterOutcome, len(answers))
	return nil
}

func crashArmedFor(point string) bool {
	crashPoint("") // parse the variable once
	return crash.point == point
}

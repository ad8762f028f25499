package memory_test

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.RunGraph(t, func(*testing.T) storetest.Stores {
		s := memory.New()
		return storetest.Stores{Graph: s, Identity: s.Identity()}
	})
	storetest.RunIdentity(t, func(*testing.T) store.IdentityStore { return memory.NewIdentity() })
}

func TestFreshIsEmpty(t *testing.T) { storetest.FreshIsEmpty(t, memory.New()) }

func TestMarkReadAfterRetention(t *testing.T) { storetest.MarkReadAfterRetention(t, memory.New()) }

package memory_test

import (
	"testing"

	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New() })
}

func TestFreshIsEmpty(t *testing.T) { storetest.FreshIsEmpty(t, memory.New()) }

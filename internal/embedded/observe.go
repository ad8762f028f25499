package embedded

import (
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// CountProduceRequests starts counting the produce requests the broker
// receives (each one, whatever it carries) and returns how many so far. It
// exists for tests of how the bus batches.
func (b *Broker) CountProduceRequests() (count func() int64) {
	var n atomic.Int64
	b.c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		b.c.KeepControl()
		n.Add(1)
		return nil, nil, false // observed, not handled: the broker answers
	})
	return n.Load
}

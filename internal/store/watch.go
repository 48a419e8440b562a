package store

// GenerationFeed is the channel a Watch returns, with the rule stores fill
// it by: a generation is sent when it differs from the last one sent, and
// a reader that has not taken the last one gets the newer one instead.
type GenerationFeed struct {
	C    chan int64
	last int64
	sent bool
}

// NewGenerationFeed returns an empty feed.
func NewGenerationFeed() *GenerationFeed {
	return &GenerationFeed{C: make(chan int64, 1)}
}

// Send offers gen to the reader, replacing a value it has not taken. It
// must be called from one goroutine, the feed's only sender.
func (f *GenerationFeed) Send(gen int64) {
	if f.sent && gen == f.last {
		return
	}
	f.last, f.sent = gen, true
	for {
		select {
		case f.C <- gen:
			return
		default:
		}
		select { // full: drop the stale value the reader has not taken
		case <-f.C:
		default:
		}
	}
}

package store

import "sync"

// Later is a store's write that runs after the caller got its answer: one
// at a time, the next waiting for the last, the first error kept. A bulk
// load writes the rows derived from a batch (topics, search) with it while
// its caller curates the next batch.
type Later struct {
	mu   sync.Mutex
	done chan struct{} // closed when the last write has ended
	err  error
}

// Go runs write in the background. The caller has waited (Wait) for the
// write before.
func (l *Later) Go(write func() error) {
	done := make(chan struct{})
	l.mu.Lock()
	l.done = done
	l.mu.Unlock()
	go func() {
		defer close(done)
		if err := write(); err != nil {
			l.mu.Lock()
			if l.err == nil {
				l.err = err
			}
			l.mu.Unlock()
		}
	}()
}

// Wait waits for the last write and returns the first error of any since
// Reset.
func (l *Later) Wait() error {
	l.mu.Lock()
	done := l.done
	l.mu.Unlock()
	if done != nil {
		<-done
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Reset forgets the error once the writes have ended (Wait).
func (l *Later) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done, l.err = nil, nil
}

package store

import (
	"errors"
	"testing"
)

// TestLaterKeepsTheFirstErrorUntilReset runs writes one after another, as
// a bulk load does, and checks what Wait answers after each.
func TestLaterKeepsTheFirstErrorUntilReset(t *testing.T) {
	first, second := errors.New("first"), errors.New("second")
	var l Later
	if err := l.Wait(); err != nil {
		t.Fatalf("Wait with nothing run: %v", err)
	}
	ran := 0
	for _, step := range []struct {
		write error
		want  error
	}{
		{nil, nil},
		{first, first},
		{second, first}, // the first error stays
		{nil, first},
	} {
		l.Go(func() error { ran++; return step.write })
		if err := l.Wait(); !errors.Is(err, step.want) || (step.want == nil && err != nil) {
			t.Errorf("after a write returning %v: Wait = %v, want %v", step.write, err, step.want)
		}
	}
	if ran != 4 {
		t.Errorf("%d writes ran, want 4", ran)
	}
	l.Reset()
	if err := l.Wait(); err != nil {
		t.Errorf("Wait after Reset: %v", err)
	}
}

package admin

import (
	"errors"
	"fmt"
	"time"
)

// A decision form carries what its page showed of the thing it acts on
// (seen): a digest of the last decision on it. Another editor's decision
// on the same thing since then makes the form stale: taken as it is, it
// would override one its editor never saw (a stale pin's week over a
// colleague's six hours, a hide over a show, another lead). The server
// refuses it, naming that decision and keeping what the editor typed; when
// that decision is the very one the form asks for (a double click, the
// back button, two editors agreeing) nothing is added and the editor is
// told it is done.

// noneSeen is seen for a thing no decision names yet.
const noneSeen = "none"

// seenOf is the digest of what a page shows of a thing: last, the last
// decision on it, when ok.
func seenOf(last Decision, ok bool) string {
	if !ok {
		return noneSeen
	}
	last.Line = 0 // moved by hand edits above it
	return digest(fmt.Appendf(nil, "%+v", last))
}

// lastOn returns the last decision on the thing d acts on, and whether
// there is one; members are the keys of the articles of d's story. Only
// the actions whose later decision overrides an earlier one have a thing.
func (e *standing) lastOn(d Decision, members []string) (Decision, bool) {
	switch d.Action {
	case Pin, Unpin:
		_, last, ok := e.rules.Pin(d.Story, members)
		return last, ok
	case Lead:
		seq := 0
		for _, k := range members {
			if a := e.rules.Article(k); a != nil && a.LeadSeq > seq {
				seq = a.LeadSeq
			}
		}
		if seq == 0 {
			return Decision{}, false
		}
		return e.log[seq-1], true
	}
	t := target(d)
	i, ok := e.latest[t]
	if t == "" || !ok {
		return Decision{}, false
	}
	return e.log[i], true
}

// seenThing is what the form of a decision like d shows of its thing.
func (e *standing) seenThing(d Decision, members []string) string {
	return seenOf(e.lastOn(d, members))
}

// seenAll is what the form of the decisions ds, taken at once (a hide of
// every article of a story), shows of their things: for one, what
// seenThing does; for more, a digest of each's in order, so that a
// decision on any of them, or a member more or less, changes it.
func (e *standing) seenAll(ds []Decision, members []string) string {
	if len(ds) == 1 {
		return e.seenThing(ds[0], members)
	}
	var b []byte
	for _, d := range ds {
		b = append(append(b, e.seenThing(d, members)...), '\n')
	}
	return digest(b)
}

// errDone is the answer to a form whose decision was taken since its
// page was read, as it asks: nothing is added.
type errDone struct{ d Decision }

func (e *errDone) Error() string {
	return fmt.Sprintf("Already done: %s, by %s at %s.", describe(e.d), e.d.By, when(e.d.At))
}

// staleForm checks the seen a form posted against what holds now of the
// things the decisions ds act on: nil when the same, or the form posted
// none (a page from before forms carried it); an *errDone when what holds
// of each is what ds asks; else an error naming the last decision taken
// on them.
func (e *standing) staleForm(ds []Decision, members []string, seen string) error {
	if seen == "" || e.seenAll(ds, members) == seen {
		return nil
	}
	var last Decision
	found, done := false, true
	for _, d := range ds {
		l, ok := e.lastOn(d, members)
		if ok && (!found || l.At.After(last.At)) {
			last, found = l, true
		}
		done = done && ok && sameDecision(l, d)
	}
	switch {
	case done:
		return &errDone{last}
	case !found:
		return errors.New("the decisions on it changed since you opened the page (edited by hand): reload the page, then decide again")
	case len(ds) > 1:
		return fmt.Errorf("the story's articles or the decisions on them changed since you opened the page, the last: %s, by %s at %s; reload the page to see it, then decide again",
			describe(last), last.By, when(last.At))
	}
	return fmt.Errorf("another decision was taken since you opened the page: %s, by %s at %s; reload the page to see it, then decide again",
		describe(last), last.By, when(last.At))
}

// sameDecision reports whether a and b decide the same of one thing,
// whoever took them and when: a pin for the same time from when it was
// taken. The article a story was named by is left out: the lead a lead
// decision made.
func sameDecision(a, b Decision) bool {
	span := func(d Decision) time.Duration {
		if d.Until.IsZero() {
			return 0
		}
		return d.Until.Sub(d.At)
	}
	return a.Action == b.Action && a.Article == b.Article && a.Publisher == b.Publisher && a.Source == b.Source &&
		a.OffTopic == b.OffTopic && a.Note == b.Note && span(a) == span(b)
}

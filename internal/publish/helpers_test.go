package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"newshub/internal/content/contenttest"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// openStore opens a fresh SQLite store for the test.
func openStore(t testing.TB) store.Store { return sqlitetest.Open(t) }

// stores are the real stores the tests that hold both to one behaviour
// run against.
var stores = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) store.Store { return openStore(t) }},
	{"postgres", func(t *testing.T) store.Store {
		st, err := postgres.Open(context.Background(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

// importDir parses every record file under dir (the api/ folder aside) and
// stores it; edit may adjust records before they are stored.
func importDir(t testing.TB, st store.Store, dir string, edit func(*model.Record)) int {
	t.Helper()
	recs := contenttest.ReadSite(t, dir)
	if edit != nil {
		for _, r := range recs {
			edit(r)
		}
	}
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// electionStore imports the real Smartable sample with the election
// settings (timezone America/Los_Angeles).
func electionStore(t testing.TB) (store.Store, *site.Site) {
	t.Helper()
	dir := testutil.Shared(t, "smartable-sample")
	st := openStore(t)
	importDir(t, st, dir, func(r *model.Record) {
		if r.Config != nil {
			r.Config.Timezone = "America/Los_Angeles"
		}
	})
	s, err := site.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return st, s
}

// node is a JSON value with object keys kept in order.
type node struct {
	kind  string // object, array, string, number, bool, null
	keys  []string
	vals  []*node
	elems []*node
	str   string
}

func (n *node) get(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// parseTree reads a JSON document through a token stream, keeping key order.
func parseTree(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the document")
	}
	return n, nil
}

func readNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &node{kind: "object"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := readNode(dec)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, kt.(string))
				n.vals = append(n.vals, val)
			}
			_, err := dec.Token()
			return n, err
		case '[':
			n := &node{kind: "array"}
			for dec.More() {
				e, err := readNode(dec)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, e)
			}
			_, err := dec.Token()
			return n, err
		}
	case string:
		return &node{kind: "string", str: v}, nil
	case json.Number:
		return &node{kind: "number", str: v.String()}, nil
	case bool:
		return &node{kind: "bool", str: fmt.Sprint(v)}, nil
	case nil:
		return &node{kind: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// compareShapeKeys lists where ours differs from the sample in keys, key
// order or JSON types. List items are paired by their "path" (news, events,
// people, learning) or "title" (topItems); unpaired items are skipped.
// allow(where, ours, sample) excuses a type difference, allowKeys a
// difference of key lists (keys one side leaves out).
func compareShapeKeys(where string, ours, sample *node, allow func(where, ours, sample string) bool,
	allowKeys func(where string, ours, sample []string) bool) []string {
	if ours.kind != sample.kind {
		if allow != nil && allow(where, ours.kind, sample.kind) {
			return nil
		}
		return []string{fmt.Sprintf("%s: type %s, sample has %s", where, ours.kind, sample.kind)}
	}
	var diffs []string
	switch ours.kind {
	case "object":
		if strings.Join(ours.keys, ",") != strings.Join(sample.keys, ",") &&
			(allowKeys == nil || !allowKeys(where, ours.keys, sample.keys)) {
			diffs = append(diffs, fmt.Sprintf("%s: keys\n  ours   %v\n  sample %v", where, ours.keys, sample.keys))
		}
		for i, k := range ours.keys {
			if sv := sample.get(k); sv != nil {
				diffs = append(diffs, compareShapeKeys(where+"."+k, ours.vals[i], sv, allow, allowKeys)...)
			}
		}
	case "array":
		for i, e := range ours.elems {
			s := pairOf(e, i, sample.elems)
			if s != nil {
				diffs = append(diffs, compareShapeKeys(fmt.Sprintf("%s[%s]", where, label(e, i)), e, s, allow, allowKeys)...)
			}
		}
	}
	return diffs
}

func label(e *node, i int) string {
	if e.kind == "object" {
		for _, k := range []string{"path", "title"} {
			if v := e.get(k); v != nil && v.kind == "string" && v.str != "" {
				return v.str
			}
		}
	}
	return fmt.Sprint(i)
}

// pairOf finds the sample element matching e.
func pairOf(e *node, i int, sample []*node) *node {
	if e.kind == "object" {
		for _, k := range []string{"path", "title"} {
			v := e.get(k)
			if v == nil || v.kind != "string" || v.str == "" {
				continue
			}
			for _, s := range sample {
				if sv := s.get(k); sv != nil && sv.str == v.str {
					return s
				}
			}
			return nil
		}
	}
	if i < len(sample) {
		return sample[i]
	}
	if len(sample) > 0 && e.kind != "object" {
		return sample[0]
	}
	return nil
}

package curate

import "testing"

// key is a unionFind key of the tests.
type key struct {
	kind keyKind
	k    string
}

func TestUnionFindJoinsKeysOfEachKindApart(t *testing.T) {
	tests := []struct {
		name     string
		unions   [][2]key
		same     [][2]key
		separate [][2]key
	}{
		{
			name:   "a record and the URL it is known by",
			unions: [][2]key{{{pathKey, "_news/a.md"}, {urlKey, "https://a.example/1"}}},
			same:   [][2]key{{{pathKey, "_news/a.md"}, {urlKey, "https://a.example/1"}}},
		},
		{
			name: "two records through a URL both are known by",
			unions: [][2]key{
				{{pathKey, "_news/a.md"}, {urlKey, "https://a.example/1"}},
				{{pathKey, "_news/b.md"}, {urlKey, "https://a.example/1"}},
				{{pathKey, "_news/c.md"}, {urlKey, "https://c.example/3"}},
			},
			same:     [][2]key{{{pathKey, "_news/a.md"}, {pathKey, "_news/b.md"}}},
			separate: [][2]key{{{pathKey, "_news/a.md"}, {pathKey, "_news/c.md"}}},
		},
		{
			name: "the same string as keys of two kinds",
			unions: [][2]key{
				{{pathKey, "x"}, {urlKey, "https://a.example/1"}},
				{{storyKey, "x"}, {urlKey, "https://b.example/2"}},
				{{urlKey, "x"}, {pathKey, "_news/c.md"}},
			},
			separate: [][2]key{
				{{pathKey, "x"}, {storyKey, "x"}},
				{{pathKey, "x"}, {urlKey, "x"}},
				{{storyKey, "x"}, {urlKey, "x"}},
			},
		},
		{
			name: "a chain joined from its far end",
			unions: [][2]key{
				{{storyKey, "s3"}, {storyKey, "s4"}},
				{{storyKey, "s2"}, {storyKey, "s3"}},
				{{storyKey, "s1"}, {storyKey, "s2"}},
				{{storyKey, "s4"}, {storyKey, "s4"}},
			},
			same: [][2]key{{{storyKey, "s1"}, {storyKey, "s4"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var uf unionFind
			for _, u := range tt.unions {
				uf.union(u[0].kind, u[0].k, u[1].kind, u[1].k)
			}
			for _, p := range tt.same {
				if a, b := uf.find(p[0].kind, p[0].k), uf.find(p[1].kind, p[1].k); a != b {
					t.Errorf("%v and %v: components %d and %d, want one", p[0], p[1], a, b)
				}
			}
			for _, p := range tt.separate {
				if a, b := uf.find(p[0].kind, p[0].k), uf.find(p[1].kind, p[1].k); a == b {
					t.Errorf("%v and %v: both in component %d, want two", p[0], p[1], a)
				}
			}
		})
	}
}

// Linking a batch names each record's keys again and again (its own, its
// related coverage's, the windows' stored articles'): naming a key known
// already builds nothing.
func TestUnionFindNamesKnownKeysWithoutAllocating(t *testing.T) {
	var uf unionFind
	path, url := "_news/2024-01-02-a.md", "https://a.example/2024/01/02/a"
	uf.union(pathKey, path, urlKey, url)
	allocs := testing.AllocsPerRun(100, func() {
		if uf.has(urlKey, url) {
			uf.union(pathKey, path, urlKey, url)
		}
		uf.find(pathKey, path)
	})
	if allocs != 0 {
		t.Errorf("naming known keys allocates %.1f times, want none", allocs)
	}
}

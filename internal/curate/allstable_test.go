package curate_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/store"
)

// TestCurateOfAnIngestedHubIsAFixedPoint ingests generated news as feeds
// deal it out, in batches of twenty in time order, and runs curate on
// the hub twice: the second run changes nothing. The related lists
// curation wrote on ingested articles (a lead demoted keeps its story's
// coverage) are its own output, not coverage a record came with, and
// must not tie stories together in the next run, nor make a hub
// ingested batch by batch curate differently from one ingested at once.
func TestCurateOfAnIngestedHubIsAFixedPoint(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	config, generated := generatedHub(t, gen.Options{Articles: 600, Seed: 3, Until: until})
	now := until.Add(time.Hour)
	ingest := func(batch int) map[string]curated {
		st := openStore(t, true)
		c := curatorOn(t, st, st, config, now)
		var recs []*model.Record
		for _, r := range generated {
			f := freshOf(r)
			f.Article.Source = "https://" + r.Article.Provider.Domain + "/feed.xml"
			recs = append(recs, f)
		}
		slices.SortStableFunc(recs, func(a, b *model.Record) int {
			return a.Article.PublishedDateTime.Compare(b.Article.PublishedDateTime)
		})
		for i := 0; i < len(recs); i += batch {
			if _, _, err := c.Commit(ctx, recs[i:min(i+batch, len(recs))]); err != nil {
				t.Fatal(err)
			}
		}
		first, err := c.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again, err := c.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if again.Changed != 0 || again.Stories != first.Stories || again.Leads != first.Leads {
			t.Errorf("batches of %d: curate again changed %d records, %d stories and %d leads (were %d and %d); want none changed",
				batch, again.Changed, again.Stories, again.Leads, first.Stories, first.Leads)
		}
		return curatedOf(t, st)
	}
	batched, whole := ingest(20), ingest(len(generated))
	n := 0
	for p, w := range whole {
		b := batched[p]
		if b.story != w.story || b.published != w.published || b.heat != w.heat || b.published && b.related != w.related {
			if n++; n <= 5 {
				t.Errorf("%s: story %s, published %v, heat %d, related %s from batches; story %s, published %v, heat %d, related %s at once",
					p, b.story, b.published, b.heat, b.related, w.story, w.published, w.heat, w.related)
			}
		}
	}
	if n > 0 {
		t.Errorf("%d of %d articles curate otherwise when the hub was ingested in batches", n, len(whole))
	}
}

// curated is what curation decided of an article: its story, whether it
// leads it, its heat and related coverage (addresses).
type curated struct {
	story     string
	published bool
	heat      int
	related   string
}

func curatedOf(t *testing.T, st store.Store) map[string]curated {
	t.Helper()
	m := map[string]curated{}
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		var urls []string
		for _, rel := range a.Related {
			urls = append(urls, rel.WebURL)
		}
		m[r.Path] = curated{a.Story, a.Published, a.Heat, strings.Join(urls, " ")}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

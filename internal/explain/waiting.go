package explain

import (
	"context"
	"errors"
	"fmt"

	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
)

// A Wait is a decision of the log that does nothing yet: an article or a
// story it names is not stored. It is kept, not refused: a decision may be
// taken before its article arrives, and applies when it does.
type Wait struct {
	// Place is where the log holds the decision, path:line.
	Place    string
	Decision model.Decision
	// Article is the canonical URL of the decision's article, "" for a
	// decision on a story.
	Article string
	// Saying says what it waits for.
	Saying string
}

// String is the one wording of a waiting decision, for curate, edit,
// explain and the admin area alike.
func (w Wait) String() string {
	return fmt.Sprintf("%s: %s: %s", w.Place, w.Decision.Action, w.Saying)
}

// Waiting returns the decisions of log that wait for an article or a story
// the store does not hold, in log order: an article by its canonical URL,
// a story as curation finds it (by the article naming it, else by its id).
// A decision on an article retention purged never applies, and says so.
func Waiting(ctx context.Context, st store.Store, log *editorial.Log) ([]Wait, error) {
	var out []Wait
	for _, d := range log.Decisions {
		saying, err := WaitsFor(ctx, st, d)
		if err != nil {
			return nil, err
		}
		if saying == "" {
			continue
		}
		w := Wait{Place: fmt.Sprintf("%s:%d", log.From, d.Line), Decision: d, Saying: saying}
		if d.Article != "" {
			w.Article = curate.CanonicalURL(d.Article)
		}
		out = append(out, w)
	}
	return out, nil
}

// WaitsFor says what the decision d waits for, or "" when what it names
// is stored.
func WaitsFor(ctx context.Context, st store.Store, d model.Decision) (string, error) {
	if d.Article != "" {
		ok, err := stored(ctx, st, d.Article)
		if err != nil || !ok {
			return articleWait(ctx, st, d.Article, err)
		}
	}
	// A lead names its story for the record only: it leads whatever story
	// its article is in.
	if d.Action == editorial.Lead {
		return "", nil
	}
	for _, s := range [][2]string{{d.Story, d.StoryArticle}, {d.Into, d.IntoArticle}} {
		if s[0] == "" && s[1] == "" {
			continue
		}
		ok, err := storyStored(ctx, st, s[0], s[1])
		if err != nil {
			return "", err
		}
		if !ok {
			name := "story " + s[0]
			if s[0] == "" {
				name = "the story of " + s[1]
			}
			return fmt.Sprintf("waits for %s, not stored yet", name), nil
		}
	}
	return "", nil
}

// articleWait says what a decision on the article u, not stored, waits
// for: the article, or nothing ever when retention purged it.
func articleWait(ctx context.Context, st store.Store, u string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	purged, err := PurgedSaying(ctx, st, u)
	switch {
	case err != nil:
		return "", err
	case purged != "":
		return purged + ", so it never applies", nil
	}
	return fmt.Sprintf("waits for article %s, not stored yet", u), nil
}

// stored reports whether the store holds the article at u.
func stored(ctx context.Context, st store.Store, u string) (bool, error) {
	_, err := st.ArticleByURL(ctx, curate.CanonicalURL(u))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// storyStored reports whether a story named by its id and an article of
// it is stored, as curation finds it: the article's story, else the id's.
func storyStored(ctx context.Context, st store.Store, id, article string) (bool, error) {
	if article != "" {
		rec, err := st.ArticleByURL(ctx, curate.CanonicalURL(article))
		switch {
		case err == nil && rec.Article != nil && rec.Article.Story != "":
			return true, nil
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return false, err
		}
	}
	if id == "" {
		return false, nil
	}
	members, err := st.Story(ctx, id)
	return len(members) > 0, err
}

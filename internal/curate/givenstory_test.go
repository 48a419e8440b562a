package curate

import (
	"testing"
	"time"
)

// TestArriveImportKeepsTheStoriesGiven: imported records given their
// stories (by the hub an export wrote them from) keep them, though the
// related list of one names an article of the other story, which would
// join the two; a record given none (its file edited since the export)
// is linked by its related coverage to the first of the stories it names.
func TestArriveImportKeepsTheStoriesGiven(t *testing.T) {
	st := openStore(t)
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, t0.Add(24*time.Hour))
	x := imported(t, "Harris moves into the Naval Observatory", "https://www.cnn.com/harris-naval-observatory", t0)
	y := imported(t, "Emhoff and Harris settle into new residence", "https://abcnews.go.com/harris-residence", t0.Add(time.Hour),
		"https://www.cnn.com/harris-naval-observatory")
	z := imported(t, "Harris residence move completed", "https://www.foxnews.com/politics/harris-residence", t0.Add(2*time.Hour),
		"https://abcnews.go.com/harris-residence", "https://www.cnn.com/harris-naval-observatory")
	const storyX, storyY = "s-0a0a0a0a0a0a", "s-0b0b0b0b0b0b"
	x.Article.Story, y.Article.Story = storyX, storyY
	arrive(t, cur, st, x, y, z)
	for path, want := range map[string]string{x.Path: storyX, y.Path: storyY, z.Path: storyX} {
		if got := get(t, st, path).Story; got != want {
			t.Errorf("%s: story %s, want %s", path, got, want)
		}
	}
}

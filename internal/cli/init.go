package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
)

// runInit creates a new site.
func runInit(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("init")
	title := fs.String("title", "", "site title (default: the folder name)")
	topic := fs.String("topic", "News", "name of the root topic")
	url := fs.String("url", "http://127.0.0.1:8080", "site URL (scheme and host)")
	baseURL := fs.String("baseurl", "", "path under the URL where the site lives, e.g. /election")
	locale := fs.String("locale", "en-us", "site locale")
	tz := fs.String("timezone", model.DefaultTimezone, "time zone of API times (IANA name)")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one folder, got %d arguments", fs.NArg())
	}
	dir := fs.Arg(0)
	if strings.TrimSpace(*topic) == "" || content.Slug(*topic) == "" {
		return usageError("--topic %q: want a name with letters or digits", *topic)
	}
	if _, err := time.LoadLocation(*tz); err != nil {
		return usageError("--timezone %q is not a time zone: want a name such as Europe/Paris (the case counts)", *tz)
	}
	// The hub's links and API addresses are made of url and baseurl: a
	// host given alone would give none the hub can publish.
	if site.SafeURL(*url) == "" {
		example := "https://news.example.org"
		if *url != "" && !strings.Contains(*url, ":") {
			example = "https://" + *url
		}
		return usageError("--url %q: want an http or https address with its host, such as %s", *url, example)
	}
	*url = strings.TrimRight(*url, "/")
	*baseURL = strings.TrimRight(*baseURL, "/")
	if *baseURL != "" && !strings.HasPrefix(*baseURL, "/") {
		return usageError("--baseurl %q: want a path from the root, such as /%s", *baseURL, *baseURL)
	}
	if *title == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		*title = filepath.Base(abs)
	}
	cfg := &model.Config{Title: *title, URL: *url, BaseURL: *baseURL,
		WebURL: *url + *baseURL, Locale: *locale, Topic: *topic, Timezone: *tz}
	paths, err := initSite(dir, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created site %q in %s:\n", cfg.Title, dir)
	for _, p := range paths {
		fmt.Fprintf(env.Stdout, "  %s\n", p)
	}
	printNextSteps(env.Stdout, dir, paths[1])
	return nil
}

// printNextSteps names what makes a new site a hub: a site served as init
// leaves it has no feed, and publishes nothing.
func printNextSteps(w io.Writer, dir, topicFile string) {
	fmt.Fprintf(w, "next:\n")
	fmt.Fprintf(w, "  write the words your topic's news uses under keywords: in %s\n", filepath.Join(dir, filepath.FromSlash(topicFile)))
	fmt.Fprintf(w, "  newshub --site %s sources add FEED_URL   (each feed the hub is to read)\n", dir)
	fmt.Fprintf(w, "  newshub --site %s ingest --once          (fetch them)\n", dir)
	fmt.Fprintf(w, "  newshub --site %s serve                  (look at the hub; it fetches the feeds on schedule)\n", dir)
}

// initSite writes a new site's configuration, root topic and empty sources
// list into dir, which must be absent or empty. It returns the files made.
func initSite(dir string, cfg *model.Config) ([]string, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	case len(entries) > 0:
		return nil, fmt.Errorf("%s is not empty; a new site needs an empty folder", dir)
	}
	id := content.Slug(cfg.Topic)
	base := cfg.URL + cfg.BaseURL
	root := &model.Topic{Taxonomy: "topic", ID: id, Name: cfg.Topic,
		Keywords: []string{strings.ToLower(cfg.Topic)},
		Services: []model.Service{
			{Name: "news", Endpoint: base + "/api/news/"},
			{Name: "people", Endpoint: base + "/api/people/"},
			{Name: "events", Endpoint: base + "/api/events/"},
		}}
	recs := []*model.Record{
		{Path: "_config.yml", Kind: model.KindConfig, Config: cfg},
		{Path: "_data/topics/00-" + id + ".yaml", Kind: model.KindTopic, Topic: root},
		{Path: "_data/sources.yaml", Kind: model.KindSources, Sources: &model.Sources{Sources: []model.Source{}}},
	}
	// Every file is rendered before the folder is made: a setting that
	// does not render leaves no folder that init run again would refuse
	// as not empty.
	for _, r := range recs {
		if err := content.Render(r); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, ".newshub"), 0o755); err != nil {
		return nil, err
	}
	var made []string
	for _, r := range recs {
		name := filepath.Join(dir, filepath.FromSlash(r.Path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(name, r.Raw, 0o644); err != nil {
			return nil, err
		}
		made = append(made, r.Path)
	}
	return append(made, ".newshub/"), nil
}

package content

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// newsletterConfig is a _config.yml with the newsletter settings, written
// by hand (comments, quoting and order a generator would not choose).
const newsletterConfig = `title: Election Pulse
url: https://hub.example.org
timezone: America/Los_Angeles
# the digest goes out every morning
newsletter_time: 07:30
smtp:
  host: mail.example.org
  port: 2525   # the provider's submission port
  username: hub
  password_file: secrets/smtp-password
  from: "Election Pulse <news@example.org>"
  to:
    - editors@example.org
    - "Reader One <one@example.org>"
  starttls: false
charset: utf-8
`

func TestConfigNewsletterSettingsRoundTrip(t *testing.T) {
	rec, err := Parse("_config.yml", []byte(newsletterConfig))
	if err != nil {
		t.Fatal(err)
	}
	c := rec.Config
	if c.NewsletterTime != "07:30" {
		t.Fatalf("newsletter_time = %q", c.NewsletterTime)
	}
	s := c.SMTP
	if s == nil || s.Host != "mail.example.org" || s.Port != 2525 || s.Username != "hub" || s.PasswordFile != "secrets/smtp-password" ||
		s.From != "Election Pulse <news@example.org>" || strings.Join(s.To, ",") != "editors@example.org,Reader One <one@example.org>" ||
		s.UseStartTLS() {
		t.Fatalf("smtp = %+v", s)
	}

	checkConfigEdit(t, rec, newsletterConfig, func(c *model.Config) { c.NewsletterTime = "18:00" },
		"newsletter_time: 07:30", `newsletter_time: "18:00"`)
}

// checkConfigEdit checks that the config rec, read from src, renders to
// the same bytes unchanged; that edit changes only the line removed into
// the line added, comments staying; and that the config written from
// scratch reads back as it was.
func checkConfigEdit(t *testing.T, rec *model.Record, src string, edit func(*model.Config), removedLine, addedLine string) {
	t.Helper()
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.Raw) != src {
		t.Fatalf("an unchanged config was rewritten:\n%s", rec.Raw)
	}
	edit(rec.Config)
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	removed, added := changedLines(src, string(rec.Raw))
	if !sameSet(removed, []string{removedLine}) || !sameSet(added, []string{addedLine}) {
		t.Fatalf("removed %q added %q\n%s", removed, added, rec.Raw)
	}
	fresh := &model.Record{Path: "_config.yml", Kind: model.KindConfig, Config: rec.Config}
	if err := Render(fresh); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("_config.yml", fresh.Raw)
	if err != nil {
		t.Fatalf("%v\n%s", err, fresh.Raw)
	}
	if got, want := valueJSON(t, back), valueJSON(t, rec); got != want {
		t.Fatalf("fresh config reads back as\n%s\nwant\n%s\nfile:\n%s", got, want, fresh.Raw)
	}
}

func TestConfigNewsletterSettingsErrors(t *testing.T) {
	const head = "title: Hub\ntimezone: UTC\n"
	smtp := func(lines ...string) string {
		return head + "smtp:\n  " + strings.Join(lines, "\n  ") + "\n"
	}
	ok := []string{"host: mail.example.org", "from: news@example.org", "to:", "  - a@example.org"}
	tests := []struct {
		name, data string
		line       int
		msg        string
	}{
		{"time without colon", head + "newsletter_time: 0730\n", 3, "newsletter_time"},
		{"hour out of range", head + "newsletter_time: \"24:00\"\n", 3, "not a time of day"},
		{"minute out of range", head + "newsletter_time: 07:60\n", 3, "not a time of day"},
		{"time with seconds", head + "newsletter_time: 07:30:00\n", 3, "not a time of day"},
		{"time as a list", head + "newsletter_time: [7, 30]\n", 3, "newsletter_time"},
		{"smtp not a map", head + "smtp: mail.example.org\n", 3, "smtp"},
		{"smtp empty", head + "smtp:\n", 3, "smtp"},
		{"host missing", smtp(ok[1:]...), 3, "smtp.host is missing"},
		{"from missing", smtp(ok[0], ok[2], ok[3]), 3, "smtp.from is missing"},
		{"to missing", smtp(ok[:2]...), 3, "smtp.to is missing"},
		{"bad port", smtp(append(ok, "port: 70000")...), 8, "smtp.port: 70000 is not a port"},
		{"port not a number", smtp(append(ok, "port: submission")...), 8, "smtp.port"},
		{"bad from", smtp(ok[0], "from: not an address", ok[2], ok[3]), 5, "smtp.from"},
		{"bad recipient", smtp(append(ok, "  - b@")...), 8, "smtp.to[1]"},
		{"to a string", smtp(ok[0], ok[1], "to: a@example.org"), 6, "smtp.to"},
		{"starttls not a bool", smtp(append(ok, "starttls: maybe")...), 8, "smtp.starttls"},
		{"unknown setting", smtp(append(ok, "pasword: x")...), 8, "smtp.pasword: unknown setting"},
		{"both passwords", smtp(append(ok, "username: u", "password: p", "password_file: f")...), 10, "not both"},
		{"username alone", smtp(append(ok, "username: u")...), 8, "needs a password"},
		{"password alone", smtp(append(ok, "password: p")...), 3, "without a username"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("_config.yml", []byte(tc.data))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *ParseError", err, err)
			}
			if pe.Path != "_config.yml" || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("got %q (line %d), want line %d and %q\n%s", err, pe.Line, tc.line, tc.msg, tc.data)
			}
		})
	}
}

func TestConfigWithoutNewsletterSettings(t *testing.T) {
	for _, data := range []string{"title: Hub\n", "title: Hub\nnewsletter_time:\n"} {
		rec, err := Parse("_config.yml", []byte(data))
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		if rec.Config.NewsletterTime != "" || rec.Config.SMTP != nil {
			t.Fatalf("%q: %+v", data, rec.Config)
		}
	}
}

// retentionConfig sets both retention ages, as an editor would write them.
const retentionConfig = `title: Election Pulse
# news leaves the front pages after a month
archive_after: 30d
purge_after:   "12w"   # duplicates go after a quarter
charset: utf-8
`

func TestConfigRetentionSettingsRoundTrip(t *testing.T) {
	rec, err := Parse("_config.yml", []byte(retentionConfig))
	if err != nil {
		t.Fatal(err)
	}
	archive, purge, err := rec.Config.Retention()
	if err != nil || archive != 30*24*time.Hour || purge != 12*7*24*time.Hour {
		t.Fatalf("Retention() = %v, %v, %v; want 720h, 2016h", archive, purge, err)
	}
	checkConfigEdit(t, rec, retentionConfig, func(c *model.Config) { c.ArchiveAfter = "45d" },
		"archive_after: 30d", "archive_after: 45d")
}

// TestConfigRetentionInCalendarUnits: an operator writes ages as a news
// hub counts them, in days, weeks, months and years, in letters or words.
func TestConfigRetentionInCalendarUnits(t *testing.T) {
	const day = 24 * time.Hour
	for _, c := range []struct {
		archive, purge string
		want           [2]time.Duration
	}{
		{"6mo", "1y", [2]time.Duration{180 * day, 365 * day}},
		{"6 months", "2 years", [2]time.Duration{180 * day, 730 * day}},
		{"30 days", "2w", [2]time.Duration{30 * day, 14 * day}},
	} {
		data := "title: Hub\narchive_after: " + c.archive + "\npurge_after: " + c.purge + "\n"
		rec, err := Parse("_config.yml", []byte(data))
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		archive, purge, err := rec.Config.Retention()
		if err != nil || archive != c.want[0] || purge != c.want[1] {
			t.Errorf("%q: Retention() = %v, %v, %v; want %v", data, archive, purge, err, c.want)
		}
	}
}

func TestConfigRetentionDefaults(t *testing.T) {
	for _, data := range []string{"title: Hub\n", "title: Hub\narchive_after:\npurge_after:\n", "title: Hub\npurge_after: off\n"} {
		rec, err := Parse("_config.yml", []byte(data))
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		archive, purge, err := rec.Config.Retention()
		if err != nil || archive != model.DefaultArchiveAfter || purge != 0 {
			t.Fatalf("%q: Retention() = %v, %v, %v; want the defaults (30 days, off)", data, archive, purge, err)
		}
	}
	rec, err := Parse("_config.yml", []byte("archive_after: off\n"))
	if err != nil {
		t.Fatal(err)
	}
	if archive, _, err := rec.Config.Retention(); err != nil || archive != 0 {
		t.Fatalf("archive_after: off gives %v, %v; want 0 (never)", archive, err)
	}
}

func TestConfigRetentionSettingsErrors(t *testing.T) {
	const head = "title: Hub\ntimezone: UTC\n"
	tests := []struct {
		name, data string
		line       int
		msg        string
	}{
		{"no unit", head + "archive_after: 30\n", 3, `archive_after: "30" is not an age`},
		{"words", head + "archive_after: 30 fortnights\n", 3, `archive_after: "30 fortnights" is not an age`},
		{"minutes or months", head + "archive_after: 6m\n", 3, `archive_after: "6m" is not an age: minutes or months? write months as 6mo`},
		{"minutes or months, lines down", "title: Hub\n\n\n\n\n\npurge_after: 10m\n", 7, `purge_after: "10m" is not an age: minutes or months? write months as 10mo, minutes as 600s`},
		{"negative", head + "archive_after: -5h\n", 3, "more than nothing"},
		{"zero", head + "purge_after: 0d\n", 3, "purge_after"},
		{"unknown unit", "title: Hub\n\n\npurge_after: 3q\n", 4, `purge_after: "3q" is not an age`},
		{"list", head + "archive_after: [30d]\n", 3, "archive_after"},
		{"map", head + "purge_after:\n  days: 30\n", 4, "purge_after: expected a string"},
		{"true", head + "archive_after: yes\n", 3, "archive_after"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("_config.yml", []byte(tc.data))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *ParseError", err, err)
			}
			if pe.Path != "_config.yml" || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("got %q (line %d), want line %d and %q\n%s", err, pe.Line, tc.line, tc.msg, tc.data)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("_config.yml:%d: ", tc.line)) {
				t.Fatalf("error %q does not start with _config.yml:%d:", err, tc.line)
			}
		})
	}
}

// TestConfigCountsMustBeOneOrMore checks that a page size or a limit of
// related coverage of 0 or less is refused with its line, where the
// default was taken for it without a word.
func TestConfigCountsMustBeOneOrMore(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"news_page_size: 0\n", "_config.yml:2: news_page_size: 0: want 1 or more (leave it out for the default, 30)"},
		{"related_limit: -5\n", "_config.yml:2: related_limit: -5: want 1 or more (leave it out for the default, 20)"},
		{"news_page_size: 12\nrelated_limit: 3\n", ""},
	} {
		_, err := Parse("_config.yml", []byte("title: Pulse\n"+c.data))
		if c.want == "" && err != nil || c.want != "" && (err == nil || err.Error() != c.want) {
			t.Errorf("%q: %v, want %q", c.data, err, c.want)
		}
	}
}

// TestConfigKeyGivenTwiceReadsTheLast reads testdata/config-grown.yml, a
// _config.yml grown by settings added at its end (a second title:,
// paginate: and plugins:), which Jekyll builds, reading the last of each:
// so does newshub, and an edit of such a setting rewrites the last. A
// record giving a field twice is still refused.
func TestConfigKeyGivenTwiceReadsTheLast(t *testing.T) {
	src := readTestdata(t, "config-grown.yml")
	rec, err := Parse("_config.yml", src)
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.Config; c.Title != "Example News Hub" || c.Topic != "Example" {
		t.Fatalf("title %q, topic %q; want the last title, Example News Hub, and Example", c.Title, c.Topic)
	}
	checkConfigEdit(t, rec, string(src), func(c *model.Config) { c.Title = "Example Hub Daily" },
		"title: Example News Hub", "title: Example Hub Daily")

	news := "---\ncategory: news\ntitle: \"A\"\ntitle: \"B\"\npublishedDateTime: 2021-06-27T09:14:00Z\noriginalUrl: \"https://a.example/x\"\n---\n"
	var pe *ParseError
	if _, err := Parse("_news/2021-06-27-a.md", []byte(news)); !errors.As(err, &pe) || pe.Line != 4 || !strings.Contains(pe.Msg, `key "title" already defined at line 3`) {
		t.Errorf("news giving title twice: %v, want line 4: key \"title\" already defined at line 3", err)
	}
}

// TestConfigKeyGivenTwiceChecksOnlyTheLast reads a _config.yml whose
// settings were mended by giving them again at its end, as such files
// grow: Jekyll reads the last of each, so the one before it, which no one
// reads, does not make the file refused.
func TestConfigKeyGivenTwiceChecksOnlyTheLast(t *testing.T) {
	src := "title: Pulse\ntimezone: europe/paris\nnews_page_size: 0\nsmtp:\n  host: mail.example.com\n  port: 0\n  from: hub@example.com\n  to: [desk@example.com]\n" +
		"\n# Mended below.\ntimezone: Europe/Paris\nnews_page_size: 20\nsmtp:\n  host: mail.example.com\n  port: 587\n  port: 2525\n  from: hub@example.com\n  to: [desk@example.com]\n"
	rec, err := Parse("_config.yml", []byte(src))
	if err != nil {
		t.Fatalf("%v, want the last of each setting read", err)
	}
	if c := rec.Config; c.Timezone != "Europe/Paris" || c.NewsPageSize != 20 || c.SMTP == nil || c.SMTP.Port != 2525 {
		t.Errorf("timezone %q, news_page_size %d, smtp %+v; want Europe/Paris, 20 and port 2525", c.Timezone, c.NewsPageSize, c.SMTP)
	}
	// The last, when it does not read, is refused with its line.
	if _, err := Parse("_config.yml", []byte("timezone: Europe/Paris\ntimezone: europe/paris\n")); err == nil || !strings.Contains(err.Error(), "_config.yml:2: timezone:") {
		t.Errorf("the last timezone not a zone: %v, want it refused at line 2", err)
	}
}

// TestQuotedSettingIsNamedAsText writes a boolean and a number in quotes,
// as operators quote values by habit: each is refused with its line, and
// the message says the value is text in quotes, not that "true" is not
// true or false.
func TestQuotedSettingIsNamedAsText(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`allow_private_networks: "true"`, `:2: allow_private_networks: expected true or false, found text in quotes, "true"`},
		{`news_page_size: '30'`, `:2: news_page_size: expected an integer, found text in quotes, "30"`},
	} {
		_, err := Parse("_config.yml", []byte("title: Pulse\n"+c.line+"\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %s", c.line, err, c.want)
		}
	}
}

// TestStoryWindowMustBeASpan reads story_window as operators write it:
// days as the age settings take them, or hours; one that is neither, or
// nothing, is refused with its line, where curation would only have
// fallen back to its default window without a word.
func TestStoryWindowMustBeASpan(t *testing.T) {
	for _, c := range []struct {
		window string
		want   time.Duration // 0: refused
	}{
		{"72h", 72 * time.Hour},
		{"3d", 72 * time.Hour},
		{"1w", 7 * 24 * time.Hour},
		{"soon", 0},
		{"0h", 0},
		{"3 days", 0},
	} {
		rec, err := Parse("_config.yml", []byte("title: Pulse\nstory_window: "+c.window+"\n"))
		if c.want == 0 {
			if err == nil || !strings.Contains(err.Error(), ":2: story_window: ") {
				t.Errorf("story_window: %s: %v, want an error naming line 2", c.window, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("story_window: %s: %v", c.window, err)
		} else if d, _ := model.ParseSpan(rec.Config.StoryWindow); d != c.want {
			t.Errorf("story_window: %s read as %v, want %v", c.window, d, c.want)
		}
	}
}

// TestTimezoneMustBeAZone refuses, with its line, a time zone the hub
// cannot load, where API times would only have been given in UTC.
func TestTimezoneMustBeAZone(t *testing.T) {
	for _, c := range []struct {
		zone string
		ok   bool
	}{
		{"America/Los_Angeles", true},
		{"UTC", true},
		{"Mars/Olympus", false},
		{"america/los_angeles", false}, // the zone files' names are cased
		{"Pacific Standard Time", false},
	} {
		_, err := Parse("_config.yml", []byte("title: Pulse\ntimezone: "+c.zone+"\n"))
		if c.ok && err != nil {
			t.Errorf("timezone: %s: %v", c.zone, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), ":2: timezone: ")) {
			t.Errorf("timezone: %s: %v, want an error naming line 2", c.zone, err)
		}
	}
}

// mergedConfig is a _config.yml that shares settings through YAML merge
// keys, as Jekyll sites do for their environments: a map merged at the
// top level, one merged into smtp and overridden in part there.
const mergedConfig = `defaults: &defaults
  title: Harbour Hub
  news_page_size: 12
mail: &mail
  host: mail.example.org
  port: 2525
  to:
    - desk@example.org

<<: *defaults
url: https://hub.example.org
smtp:
  <<: *mail
  port: 587
  from: "Harbour Hub <news@example.org>"
`

// TestConfigReadsMergeKeys reads the settings a merge key brings in as
// Jekyll's YAML reader (Psych) does, the map's own keys winning; the
// file is written back as it was, and an edit of a merged setting writes
// it in the map itself, leaving the shared one alone.
func TestConfigReadsMergeKeys(t *testing.T) {
	rec, err := Parse("_config.yml", []byte(mergedConfig))
	if err != nil {
		t.Fatal(err)
	}
	c := rec.Config
	if c.Title != "Harbour Hub" || c.NewsPageSize != 12 || c.URL != "https://hub.example.org" {
		t.Fatalf("config = %+v", c)
	}
	if s := c.SMTP; s == nil || s.Host != "mail.example.org" || s.Port != 587 || strings.Join(s.To, ",") != "desk@example.org" || s.From != "Harbour Hub <news@example.org>" {
		t.Fatalf("smtp = %+v", s)
	}
	if err := Render(rec); err != nil || string(rec.Raw) != mergedConfig {
		t.Fatalf("an unchanged config was rewritten (%v):\n%s", err, rec.Raw)
	}
	rec.Config.Title = "Harbour Ledger"
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("_config.yml", rec.Raw)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Raw)
	}
	if back.Config.Title != "Harbour Ledger" || back.Config.NewsPageSize != 12 || !strings.Contains(string(rec.Raw), "  title: Harbour Hub\n") {
		t.Fatalf("edited config reads %+v:\n%s", back.Config, rec.Raw)
	}
}

// TestDataFilesReadMergeKeys reads a source list whose entries share
// their settings through a merge key, a list of maps merged in order:
// the first map that gives a key wins, as YAML's merge key says.
func TestDataFilesReadMergeKeys(t *testing.T) {
	const src = `x-daily: &daily
  interval: 24h
  topics: [harbour]
x-quiet: &quiet
  enabled: false
  interval: 7d
sources:
  - url: https://ledger.example.com/feed/
    <<: *daily
  - url: https://pier.example.net/rss
    <<: [*quiet, *daily]
  - url: https://tides.example.org/atom.xml
    <<: *daily
    interval: 2h
`
	rec, err := Parse("_data/sources.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Sources.Sources
	if len(got) != 3 {
		t.Fatalf("sources = %+v", got)
	}
	for i, want := range []struct {
		interval string
		enabled  bool
	}{{"24h", true}, {"7d", false}, {"2h", true}} {
		s := got[i]
		if s.Interval != want.interval || s.IsEnabled() != want.enabled || strings.Join(s.Topics, ",") != "harbour" {
			t.Errorf("source %d = %+v, want interval %s, enabled %v, topic harbour", i, s, want.interval, want.enabled)
		}
	}
}

// A merge key of a map written in place, no anchor nor alias, as the
// fast reader would otherwise take for a key of its own.
func TestConfigReadsAMergeKeyOfAMapInPlace(t *testing.T) {
	rec, err := Parse("_config.yml", []byte("<<:\n  title: Harbour Hub\n  news_page_size: 12\nurl: https://hub.example.org\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.Config; c.Title != "Harbour Hub" || c.NewsPageSize != 12 {
		t.Fatalf("config = %+v", c)
	}
}

// A merge key's value that is no map is an error, with its line, rather
// than dropped.
func TestMergeKeyOfAScalarIsAnError(t *testing.T) {
	_, err := Parse("_config.yml", []byte("base: &b plain\ntitle: Hub\n<<: *b\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || !strings.Contains(pe.Msg, "merge key") {
		t.Fatalf("err = %v", err)
	}
}

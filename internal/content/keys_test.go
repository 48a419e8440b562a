package content

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestUnknownKeys reads settings files with a key misspelt or at the wrong
// indentation: newshub's own files (the sources list, the decisions, the
// smtp settings) are refused with the key's line and the key it looks
// like, as the setting would otherwise go without effect and unsaid; a
// _config.yml, topic or publisher, which Jekyll and Smartable read too,
// is read with a warning; Jekyll's keys and an operator's notes are
// neither.
func TestUnknownKeys(t *testing.T) {
	tests := []struct {
		file  string // in testdata/keys
		path  string // site path read as
		err   string
		warns []string
	}{
		{"config-titel.yml", "_config.yml", "", []string{
			`_config.yml:2: unknown key "titel" (did you mean "title"?)`,
			`_config.yml:6: unknown key "timzone" (did you mean "timezone"?)`,
		}},
		{"config-newsleter.yml", "_config.yml", "", []string{
			`_config.yml:4: unknown key "newsleter_time" (did you mean "newsletter_time"?)`,
			`_config.yml:5: unknown key "newsletterTime" (did you mean "newsletter_time"?)`,
			`_config.yml:6: unknown key "Locale" (did you mean "locale"?)`,
		}},
		{"config-indented.yml", "_config.yml", "", []string{
			`_config.yml:9: unknown key "starttls" (did you mean "smtp.starttls"? check its indentation)`,
		}},
		{"config-jekyll.yml", "_config.yml", "", nil},
		{"config-twice.yml", "_config.yml", "", []string{
			`_config.yml:3: "timezone" is given again on line 9, the one read`,
		}},
		{"config-smtp-timezone.yml", "_config.yml",
			`_config.yml:8: smtp.timezone: unknown setting (a setting of its own, not smtp's? check its indentation)`, nil},
		{"config-smtp-pasword.yml", "_config.yml",
			`_config.yml:8: smtp.pasword: unknown setting (did you mean "password"?)`, nil},
		{"sources-intreval.yaml", "_data/sources.yaml",
			`_data/sources.yaml:6: sources[1]: unknown key "intreval" (did you mean "interval"?)`, nil},
		{"sources-enable.yaml", "_data/sources.yaml",
			`_data/sources.yaml:3: sources[0]: unknown key "enable" (did you mean "enabled"?)`, nil},
		{"sources-source.yaml", "_data/sources.yaml",
			`_data/sources.yaml:2: unknown key "source" (did you mean "sources"?)`, nil},
		{"sources-outdented.yaml", "_data/sources.yaml",
			`_data/sources.yaml:3: unknown key "topics" (did you mean "sources[].topics"? check its indentation)`, nil},
		{"../sources-notes.yaml", "_data/sources.yaml", "", nil},
		{"sources-twice.yaml", "_data/sources.yaml",
			`_data/sources.yaml:6: sources[2]: https://gazette.harbour.example/feed.xml is listed already, on line 2: give each feed once`, nil},
		{"decisions-nots.yaml", "_data/decisions.yaml",
			`_data/decisions.yaml:6: decisions[0]: unknown key "off_topc" (did you mean "off_topic"?)`, nil},
		{"topic-keywrods.yaml", "_data/topics/01-ferries.yaml", "", []string{
			`_data/topics/01-ferries.yaml:6: unknown key "keywrods" (did you mean "keywords"?)`,
			`_data/topics/01-ferries.yaml:16: highlight: unknown key "backgroundcolour" (did you mean "backgroundColor"?)`,
		}},
		{"org-qualtiy.md", "_data/organizations/gazette.harbour.example.md", "", []string{
			`_data/organizations/gazette.harbour.example.md:11: unknown key "qualtiy" (did you mean "quality"?)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "keys", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, warns, err := ParseWarn(tt.path, data)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v, want none", err)
			}
			var got []string
			for _, w := range warns {
				got = append(got, w.Error())
			}
			if !slices.Equal(got, tt.warns) {
				t.Errorf("warnings\n%q\nwant\n%q", got, tt.warns)
			}
		})
	}
}

// TestSuggest checks which keys are taken for a slip of a known one.
func TestSuggest(t *testing.T) {
	known := []string{"title", "url", "newsletter_time", "story_window", "interval"}
	tests := []struct{ key, want string }{
		{"titel", "title"},
		{"Title", "title"},
		{"uri", "url"},
		{"newsletter", "newsletter_time"},
		{"newsletter-time", "newsletter_time"},
		{"storywindow", "story_window"},
		{"intreval", "interval"},
		{"inetrvall", "interval"},
		{"owner", ""},
		{"contract", ""},
		{"at", ""},
		{"ur", "url"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.key, known); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

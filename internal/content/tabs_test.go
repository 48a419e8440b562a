package content

import "testing"

// TestTabIndentNamed reads settings indented with a tab, as an editor
// set to insert tabs writes them: the error names the tab and its line,
// where it read "found character that cannot start any token".
func TestTabIndentNamed(t *testing.T) {
	tests := []struct{ path, data, want string }{
		{"_config.yml", "title: Harbour\nsmtp:\n\thost: mail.harbour.example\n",
			"_config.yml:3: invalid YAML: the line is indented with a tab; YAML indents with spaces only"},
		{"_data/sources.yaml", "sources:\n  - url: https://gazette.harbour.example/feed.xml\n  \t interval: 30m\n",
			"_data/sources.yaml:3: invalid YAML: the line is indented with a tab; YAML indents with spaces only"},
		{"_config.yml", "title: Harbour\nurl: `https://harbour.example`\n",
			"_config.yml:2: invalid YAML: found character that cannot start any token"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.path, []byte(tt.data))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: error %v, want %s", tt.data, err, tt.want)
		}
	}
}

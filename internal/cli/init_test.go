package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestInitRefusesAFlagBeforeWriting: a flag init cannot make a site of is
// named as bad usage and nothing is written, so that the same command with
// the flag mended makes the site; a folder left behind would be refused
// as not empty.
func TestInitRefusesAFlagBeforeWriting(t *testing.T) {
	tests := []struct {
		name string
		bad  []string // the flag given wrong
		want string   // what stderr says of it
		good []string // the flag mended
	}{
		{"time zone", []string{"--timezone", "Paris"}, `newshub init: --timezone "Paris" is not a time zone: want a name such as Europe/Paris`, []string{"--timezone", "Europe/Paris"}},
		{"address without its scheme", []string{"--url", "bees.example.org"}, `newshub init: --url "bees.example.org": want an http or https address with its host, such as https://bees.example.org`, []string{"--url", "https://bees.example.org"}},
		{"address of no host", []string{"--url", "https://"}, `newshub init: --url "https://": want an http or https address with its host`, []string{"--url", "https://bees.example.org/"}},
		{"path under the address not from the root", []string{"--baseurl", "bees"}, `newshub init: --baseurl "bees": want a path from the root, such as /bees`, []string{"--baseurl", "/bees"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "hub")
			code, stdout, errs := run(t, append(append([]string{"init"}, tt.bad...), dir)...)
			if code != ExitUsage {
				t.Errorf("init %s: exit %d, want %d\n%s%s", strings.Join(tt.bad, " "), code, ExitUsage, stdout, errs)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errs)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("init %s left %s behind (%v)", strings.Join(tt.bad, " "), dir, err)
			}
			if code, _, errs := run(t, append(append([]string{"init"}, tt.good...), dir)...); code != ExitOK {
				t.Errorf("init %s after the mistake: exit %d\n%s", strings.Join(tt.good, " "), code, errs)
			}
		})
	}
}

// TestInitJoinsAddressAndPath: the site's address and the path under it
// are joined with one slash whichever of them ends with one, in webUrl
// and in the root topic's API addresses.
func TestInitJoinsAddressAndPath(t *testing.T) {
	for _, args := range [][]string{
		{"--url", "https://bees.example.org", "--baseurl", "/hive"},
		{"--url", "https://bees.example.org/", "--baseurl", "/hive/"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "hub")
			if code, _, errs := run(t, append(append([]string{"init", "--topic", "Bees"}, args...), dir)...); code != ExitOK {
				t.Fatalf("exit %d\n%s", code, errs)
			}
			cfg, err := os.ReadFile(filepath.Join(dir, "_config.yml"))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"\nurl: https://bees.example.org\n", "\nbaseurl: \"/hive\"\n", "\nwebUrl: https://bees.example.org/hive\n"} {
				if !strings.Contains(string(cfg), want) {
					t.Errorf("_config.yml lacks %q:\n%s", want, cfg)
				}
			}
			topic, err := os.ReadFile(filepath.Join(dir, "_data", "topics", "00-bees.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if want := "news: https://bees.example.org/hive/api/news/\n"; !strings.Contains(string(topic), want) {
				t.Errorf("the root topic lacks %q:\n%s", want, topic)
			}
		})
	}
}

// TestInitNextStepsMakeAHub follows the steps init prints after it, with a
// feed served on loopback in place of FEED_URL: they give a hub that
// publishes the feed's articles, where a new site served as it is
// publishes nothing.
func TestInitNextStepsMakeAHub(t *testing.T) {
	srv := serveFeed(t, "feed-county-clerk.xml")
	dir := filepath.Join(t.TempDir(), "hub")
	code, out, errs := run(t, "init", "--topic", "Voting", dir)
	if code != ExitOK {
		t.Fatalf("init: exit %d\n%s", code, errs)
	}
	_, next, ok := strings.Cut(out, "next:")
	if !ok {
		t.Fatalf("init names no next steps:\n%s", out)
	}
	cfg := filepath.Join(dir, "_config.yml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	var ran []string
	for _, line := range regexp.MustCompile(`newshub [^,()\n]+`).FindAllString(next, -1) {
		args := strings.Fields(line)[1:]
		for i, w := range args {
			if w == "FEED_URL" {
				args[i] = srv.URL + "/feed.xml"
			}
		}
		if args[len(args)-1] == "serve" {
			ran = append(ran, "serve")
			break // the last step, which runs until stopped
		}
		if slices.Contains(args, "ingest") {
			args = append(args, "--no-pages") // the articles' pages are on no network here
		}
		if code, out, errs := run(t, args...); code != ExitOK {
			t.Fatalf("%s: exit %d\n%s%s", line, code, out, errs)
		}
		ran = append(ran, strings.Join(args[2:], " "))
	}
	if len(ran) == 0 || ran[len(ran)-1] != "serve" {
		t.Errorf("the steps do not end with serve: %q\n%s", ran, next)
	}
	code, out, errs = run(t, "--site", dir, "explain", "https://clerk.example/news/early-voting-locations")
	if code != ExitOK || !strings.Contains(out, "publication: may be published") {
		t.Errorf("after the steps %q, the feed's article is not published: exit %d\n%s%s", ran, code, out, errs)
	}
}

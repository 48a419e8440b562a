package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"newshub/internal/testutil"
)

func TestVersionSaysReleaseCommitAndGo(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name    string
		info    *debug.BuildInfo
		release string
		want    string
	}{
		{"release given at build time",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
				Settings: vcs("0123abcd", "2026-11-01T10:00:00Z", "false")},
			"v1.2.0",
			"newshub v1.2.0\nrevision 0123abcd (2026-11-01T10:00:00Z)\ngo1.26.8 " + platform + "\n"},
		{"built from a checkout with changes",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261101100000-0123abcd4567+dirty"},
				Settings: vcs("0123abcd4567", "2026-11-01T10:00:00Z", "true")},
			"",
			"newshub v0.0.0-20261101100000-0123abcd4567+dirty\nrevision 0123abcd4567 (2026-11-01T10:00:00Z, with uncommitted changes)\ngo1.26.8 " + platform + "\n"},
		{"installed as a module",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.3.0"}},
			"",
			"newshub v1.3.0\nrevision unknown (built outside a git checkout)\ngo1.26.8 " + platform + "\n"},
		{"built outside a checkout",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"",
			"newshub devel\nrevision unknown (built outside a git checkout)\ngo1.26.8 " + platform + "\n"},
		{"no build information",
			nil, "",
			"newshub devel\nrevision unknown (built outside a git checkout)\n" + runtime.Version() + " " + platform + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			readBuild(tt.info, tt.release).write(&out)
			if out.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", out.String(), tt.want)
			}
		})
	}
}

func TestVersionRefusesArguments(t *testing.T) {
	if code, _, _ := run(t, "version", "extra"); code != ExitUsage {
		t.Errorf("version extra: exit %d, want %d", code, ExitUsage)
	}
}

// TestVersionOfABinaryBuiltFromACommit builds newshub, as a release build
// would, from a commit of the files of this checkout made in a new
// repository (so that what is tested is the working tree), and checks that
// "newshub version" names the release given with -ldflags, the commit and
// its time.
func TestVersionOfABinaryBuiltFromACommit(t *testing.T) {
	if testing.Short() {
		t.Skip("commits a copy of the checkout and builds the binary")
	}
	root := testutil.Root(t)
	repo := t.TempDir()
	const when = "2026-01-02T03:04:05Z"
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=newshub", "GIT_AUTHOR_EMAIL=newshub@example.org",
			"GIT_COMMITTER_NAME=newshub", "GIT_COMMITTER_EMAIL=newshub@example.org",
			"GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
		out, err := cmd.Output()
		if err != nil {
			t.Skipf("git %s: %v (no git, or not a git checkout)", strings.Join(args, " "), err)
		}
		return string(out)
	}
	for _, name := range strings.Split(strings.TrimRight(git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(repo, "init", "--quiet")
	git(repo, "add", "--all")
	git(repo, "commit", "--quiet", "--no-gpg-sign", "-m", "a build")
	head := strings.TrimSpace(git(repo, "rev-parse", "HEAD"))

	bin := filepath.Join(t.TempDir(), "newshub")
	// -buildvcs=true overrides a GOFLAGS that turns stamping off.
	build := exec.Command("go", "build", "-buildvcs=true", "-ldflags", "-X newshub/internal/cli.Version=v9.8.7", "-o", bin, "./cmd/newshub")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("newshub version: %v", err)
	}
	want := "newshub v9.8.7\nrevision " + head + " (" + when + ")\n"
	if !strings.HasPrefix(string(out), want) || !strings.HasSuffix(string(out), " "+runtime.GOOS+"/"+runtime.GOARCH+"\n") {
		t.Errorf("newshub version said\n%s\nwant it to start\n%s", out, want)
	}
}

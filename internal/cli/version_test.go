package cli

import (
	"bytes"
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
// would, from a commit of the files of this checkout made in a repository
// of its own (GIT_DIR, so that what is tested is the working tree, and
// the build, in the checkout's folder, reuses what the tests compiled),
// and checks that "newshub version" names the release given with
// -ldflags, the commit and its time.
func TestVersionOfABinaryBuiltFromACommit(t *testing.T) {
	if testing.Short() {
		t.Skip("commits the checkout's files and builds the binary")
	}
	root := testutil.Root(t)
	// Go stamps a build with what git says only in a checkout whose .git
	// is a folder: not in a worktree of another, whose .git is a file.
	switch fi, err := os.Stat(filepath.Join(root, ".git")); {
	case err != nil:
		t.Skipf("not a git checkout: %v", err)
	case !fi.IsDir():
		t.Skip("a git worktree (.git is a file), whose builds Go does not stamp")
	}
	const when = "2026-01-02T03:04:05Z"
	env := append(os.Environ(), "GIT_DIR="+filepath.Join(t.TempDir(), "git"), "GIT_WORK_TREE="+root,
		"GIT_AUTHOR_NAME=newshub", "GIT_AUTHOR_EMAIL=newshub@example.org",
		"GIT_COMMITTER_NAME=newshub", "GIT_COMMITTER_EMAIL=newshub@example.org",
		"GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = root, env
		out, err := cmd.Output()
		if err != nil {
			t.Skipf("git %s: %v (no git)", strings.Join(args, " "), err)
		}
		return string(out)
	}
	git("init", "--quiet")
	git("add", "--all")
	git("commit", "--quiet", "--no-gpg-sign", "-m", "a build")
	head := strings.TrimSpace(git("rev-parse", "HEAD"))

	bin := filepath.Join(t.TempDir(), "newshub")
	// -buildvcs=true overrides a GOFLAGS that turns stamping off.
	build := exec.Command("go", "build", "-buildvcs=true", "-ldflags", "-X newshub/internal/cli.Version=v9.8.7", "-o", bin, "./cmd/newshub")
	build.Dir, build.Env = root, env
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

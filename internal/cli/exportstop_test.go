//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"newshub/internal/testutil"
)

// hubWithLongIssues returns a copy of the test hub with n newsletter
// issues of about size bytes each, imported into its store.
func hubWithLongIssues(t *testing.T, n, size int) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(src, os.DirFS("testdata/hub")); err != nil {
		t.Fatal(err)
	}
	const story = "<tr><td><b>Sorting networks, revisited</b><p>A shorter network for sixteen inputs, found by search.</p></td></tr>\n"
	for i := range n {
		day := time.Date(2021, 6, 22+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		issue := "---\ntitle: \"Algorithm Smartable (" + day + ")\"\n" +
			"excerpt: \"Sorting networks, revisited\"\npublishedDateTime: " + day + "T23:00:00Z\n" +
			"webUrl: \"https://hub.example.org/apps/algorithm/newsletter/algorithm-smartable-" + day + "/\"\n" +
			"type: article\ntopics:\n  - Algorithm\n---\n<!DOCTYPE html>\n<html><body><table>\n" +
			strings.Repeat(story, size/len(story)) + "</table></body></html>\n"
		name := filepath.Join(src, "_newsletters", "algorithm-smartable-"+day+".html")
		if err := os.WriteFile(name, []byte(issue), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := run(t, "--site", src, "import"); code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}
	return src
}

// TestExportThatStopsMidFileLeavesTheEarlierFileWhole exports a hub
// again into its earlier export with the files it may write capped below
// the size of its long issues, as a disk that fills up midway caps them:
// the export fails, and every file of the earlier export is still there
// whole, with nothing beside it. Export wrote each file in place, so the
// cap left the issues cut short where whole ones had been.
func TestExportThatStopsMidFileLeavesTheEarlierFileWhole(t *testing.T) {
	bin := testutil.BuildBinary(t)
	src := hubWithLongIssues(t, 2, 512<<10)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
		t.Fatalf("export exit %d:\n%s", code, errs)
	}
	want := testutil.Files(t, out)

	// ulimit -f counts blocks of 512 bytes or 1 KiB, by shell: 128 or 256 KiB.
	cmd := exec.Command("sh", "-c", `ulimit -f 256 && exec "$@"`, "sh", bin, "--site", src, "export", out)
	res, err := cmd.CombinedOutput()
	if err == nil || !bytes.Contains(res, []byte("file too large")) {
		t.Fatalf("the capped export did not fail for a file too large (%v): the test proves nothing\n%s", err, res)
	}
	assertSameFiles(t, want, testutil.Files(t, out))
}

// TestExportKilledMidwayThenRerunLeavesEveryFileWhole kills an export into
// an earlier export with SIGKILL once it has written part of the hub and
// exports again: the folder then holds the earlier export's files, whole,
// and nothing left over from the export killed.
func TestExportKilledMidwayThenRerunLeavesEveryFileWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and exports a large hub")
	}
	bin := testutil.BuildBinary(t)
	src := hubWithLongIssues(t, 24, 900<<10)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
		t.Fatalf("export exit %d:\n%s", code, errs)
	}
	want := testutil.Files(t, out)

	cmd := exec.Command(bin, "--site", src, "export", out)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "export: ") {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("export was not killed: %v", err)
	}
	if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
		t.Fatalf("export again exit %d:\n%s", code, errs)
	}
	assertSameFiles(t, want, testutil.Files(t, out))
}

// TestExportIntoAnEarlierExportKeepsEachFileOwner exports as root into a
// folder whose files belong to another account, as a site folder does:
// each file replaced keeps its owner and group, as one written in place
// did, where the rename gave it to root.
func TestExportIntoAnEarlierExportKeepsEachFileOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root gives files to another account")
	}
	src := hubWithLongIssues(t, 1, 4<<10)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
		t.Fatalf("export exit %d:\n%s", code, errs)
	}
	const uid, gid = 65534, 65534 // nobody's, by custom
	config := filepath.Join(out, "_config.yml")
	if err := os.Chown(config, uid, gid); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
		t.Fatalf("export again exit %d:\n%s", code, errs)
	}
	fi, err := os.Stat(config)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
		t.Errorf("_config.yml belongs to %d:%d after the export, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
}

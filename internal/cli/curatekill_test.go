//go:build unix

package cli

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// TestCurateKilledMidwayLeavesEveryStoryWhole kills a whole-store `curate`
// with SIGKILL after it has written some of its batches, at several
// points, and checks the store each time: every story whose members may be
// published has exactly one lead, as before the run or as after it. Then
// curate runs again and the store holds what an uninterrupted run gives,
// byte for byte.
func TestCurateKilledMidwayLeavesEveryStoryWhole(t *testing.T) {
	t.Parallel() // most of it waits on the curates it runs and kills
	if testing.Short() {
		t.Skip("builds the binary and curates thousands of records")
	}
	bin := testutil.BuildBinary(t)
	base := importedSite(t, bin, 3000)
	// What an uninterrupted run leaves, read from a copy: the shared
	// site stays as it was made.
	controlRaws, _ := storedNews(t, openSite(t, copySite(t, curatedSite(t, bin, 3000))))

	for _, batches := range []int{1, 3, 4} {
		t.Run(fmt.Sprintf("after %d batches", batches), func(t *testing.T) {
			site := copySite(t, base)
			cmd := exec.Command(bin, "--site", site, "--log-level", "debug", "curate")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines, seen, killed := bufio.NewScanner(stderr), 0, false
			for lines.Scan() {
				if !strings.Contains(lines.Text(), "curate: wrote a batch") {
					continue
				}
				if seen++; seen == batches {
					// Stopped first, so the kill lands where the line
					// was written and not some batches later.
					cmd.Process.Signal(syscall.SIGSTOP)
					killed = cmd.Process.Signal(syscall.SIGKILL) == nil
					break
				}
			}
			cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !killed || !ok || !ws.Signaled() {
				t.Fatalf("curate ended before the kill (%d batches seen)", seen)
			}
			raws, _ := storedNews(t, openSite(t, site))
			differ := 0
			for p, b := range raws {
				if string(controlRaws[p]) != string(b) {
					differ++
				}
			}
			if differ == 0 {
				t.Fatal("the killed curate had written all it writes: the test proves nothing")
			}
			t.Logf("killed with %d of %d records as the uninterrupted run leaves them", len(raws)-differ, len(raws))
			checkStoriesWhole(t, site)

			if out, err := exec.Command(bin, "--site", site, "curate").CombinedOutput(); err != nil {
				t.Fatalf("curate again: %v\n%s", err, out)
			}
			raws, _ = storedNews(t, openSite(t, site))
			sameSet(t, "records", raws, controlRaws)
			sqlitetest.AssertIntegrity(t, filepath.Join(site, ".newshub", "newshub.db"))
		})
	}
}

// checkStoriesWhole fails the test unless every story of the site's store
// with a member that may be published has exactly one lead, and that no
// withheld article leads.
func checkStoriesWhole(t *testing.T, site string) {
	t.Helper()
	st := openSite(t, site)
	leads, publishable := map[string]int{}, map[string]int{}
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		if a.Published {
			leads[a.Story]++
			if !a.Publishable() {
				t.Errorf("%s leads story %s but is withheld (%s)", r.Path, a.Story, a.Withheld)
			}
		}
		if a.Publishable() {
			publishable[a.Story]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for id, n := range publishable {
		if leads[id] != 1 {
			if bad++; bad <= 5 {
				t.Errorf("story %s: %d leads among %d members that may be published, want 1", id, leads[id], n)
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d stories in all without exactly one lead", bad)
	}
}

//go:build unix

package atomicfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writerEnv names, in the environment of the test binary run again as a
// writer, the file it writes over and over until it is killed.
const writerEnv = "ATOMICFILE_TEST_WRITER"

// TestMain runs the test binary as that writer when asked.
func TestMain(m *testing.M) {
	if path := os.Getenv(writerEnv); path != "" {
		data := []byte(strings.Repeat("- url: https://news.example.org/feed.xml\n", 400_000))
		for {
			if err := Write(path, data, 0o644); err != nil {
				os.Exit(2)
			}
		}
	}
	os.Exit(m.Run())
}

// temps returns the temporary files beside path.
func temps(t *testing.T, path string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(path)+".") && strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

// killMidWrite runs a writer of path and kills it while its temporary
// file is there, and returns the file's name.
func killMidWrite(t *testing.T, path string) string {
	t.Helper()
	for range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), writerEnv+"="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && len(temps(t, path)) == 0; {
			time.Sleep(200 * time.Microsecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if left := temps(t, path); len(left) == 1 {
			return left[0]
		}
	}
	t.Fatal("no kill landed while the writer's temporary file was there: the test proves nothing")
	return ""
}

// TestWriteRemovesWhatAKilledWriteLeft kills a process as it writes the
// file, which leaves its temporary file beside it, and writes the file
// again: a temporary file as old as no write lasts goes, one for each
// kill where they piled up in the site folder's _data/, _newsletters/
// and .newshub/, while one a write under way may still be writing is
// kept.
func TestWriteRemovesWhatAKilledWriteLeft(t *testing.T) {
	for _, c := range []struct {
		name string
		age  time.Duration
		kept bool
	}{
		{"left an hour ago", time.Hour, false},
		{"written a moment ago", time.Second, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sources.yaml")
			left := filepath.Join(filepath.Dir(path), killMidWrite(t, path))
			at := time.Now().Add(-c.age)
			if err := os.Chtimes(left, at, at); err != nil {
				t.Fatal(err)
			}
			if err := Write(path, []byte("sources: []\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != "sources: []\n" {
				t.Fatalf("the file reads %.40q, %v", got, err)
			}
			_, err := os.Stat(left)
			if kept := err == nil; kept != c.kept {
				t.Errorf("%s, the temporary file of a killed write, kept: %v, want %v (%v)", filepath.Base(left), kept, c.kept, temps(t, path))
			}
		})
	}
}

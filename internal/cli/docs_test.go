package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/testutil"
)

// The documentation's commands are checked two ways: the shell blocks
// marked "sh check" (commands that work offline) run for real, in order, in
// one folder; every newshub command line of the docs and the README, of the
// systemd unit and of the Dockerfile is parsed with the flags the command
// defines, and so are the flags of the commands their inline code names.

// docBlock is a fenced block of a page of docs/.
type docBlock struct {
	file string // slash path from the repository root
	line int    // of the block's first line of text
	info string // the fence's info string: "sh check", "nginx", …
	text string
}

func docBlocks(t *testing.T, root string) []docBlock {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in docs/ (%v)", err)
	}
	var blocks []docBlock
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		var cur *docBlock
		for i, l := range strings.Split(string(data), "\n") {
			switch {
			case cur == nil && strings.HasPrefix(l, "```"):
				cur = &docBlock{file: filepath.ToSlash(rel), line: i + 2, info: strings.TrimSpace(l[3:])}
			case cur != nil && strings.TrimSpace(l) == "```":
				blocks = append(blocks, *cur)
				cur = nil
			case cur != nil:
				cur.text += l + "\n"
			}
		}
		if cur != nil {
			t.Fatalf("%s:%d: fenced block never closed", rel, cur.line-1)
		}
	}
	return blocks
}

// shellLines joins continued lines and drops comments and blank lines,
// giving each command with the number of its first line.
func shellLines(text string, first int) (lines []string, numbers []int) {
	var cur strings.Builder
	start := 0
	for i, l := range strings.Split(text, "\n") {
		if cur.Len() == 0 {
			start = first + i
			if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
				continue
			}
		}
		if strings.HasSuffix(l, `\`) {
			cur.WriteString(strings.TrimSuffix(l, `\`) + " ")
			continue
		}
		cur.WriteString(l)
		lines, numbers = append(lines, cur.String()), append(numbers, start)
		cur.Reset()
	}
	return lines, numbers
}

// shellWords splits a command line into words as a shell would for simple
// lines: quotes group and are removed; it stops at the first operator.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case !inWord && strings.ContainsRune("|&;<>#", r):
			return words
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

var envAssignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// newshubArgs returns the arguments newshub is given in a command line:
// "newshub …", "./newshub …", "sudo -u newshub newshub …", and the command
// after the image of "docker run/exec … newshub …".
func newshubArgs(words []string) ([]string, bool) {
	for len(words) > 0 && envAssignment.MatchString(words[0]) {
		words = words[1:]
	}
	if len(words) > 0 && words[0] == "sudo" {
		words = words[1:]
		for len(words) > 1 && strings.HasPrefix(words[0], "-") {
			words = words[2:] // "-u newshub"
		}
	}
	if len(words) > 2 && (words[0] == "docker" || words[0] == "podman") && (words[1] == "run" || words[1] == "exec") {
		for i := len(words) - 1; i >= 2; i-- {
			if words[i] == "newshub" {
				return words[i+1:], len(words) > i+1
			}
		}
		return nil, false
	}
	if len(words) > 2 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/newshub" {
		return words[3:], true
	}
	if len(words) > 0 && (words[0] == "newshub" || strings.HasSuffix(words[0], "/newshub")) {
		return words[1:], true
	}
	return nil, false
}

// commandFlags returns the flags a command defines, read from its help,
// and whether each takes a value.
func commandFlags(t *testing.T, name string) map[string]bool {
	t.Helper()
	var out, errs bytes.Buffer
	if code := Run(context.Background(), []string{name, "-h"}, &out, &errs, func(string) string { return "" }); code != ExitOK {
		t.Fatalf("newshub %s -h: exit %d\n%s", name, code, errs.String())
	}
	def := regexp.MustCompile(`^  -([\w-]+)( [^\s]+)?(\t.*)?$`)
	flags := map[string]bool{}
	for _, l := range strings.Split(out.String(), "\n") {
		if m := def.FindStringSubmatch(l); m != nil {
			flags[m[1]] = m[2] != ""
		}
	}
	if len(flags) == 0 {
		t.Fatalf("newshub %s -h lists no flags:\n%s", name, out.String())
	}
	return flags
}

// checkInvocation parses args as newshub would and returns what is wrong.
func checkInvocation(t *testing.T, args []string) string {
	t.Helper()
	global := flag.NewFlagSet("newshub", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.String("site", "", "")
	global.String("db", "", "")
	if err := global.Parse(args); err != nil {
		return err.Error()
	}
	if global.NArg() == 0 {
		return "no command"
	}
	name := global.Arg(0)
	if _, ok := lookup(name); !ok {
		return "no command " + name
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for f, value := range commandFlags(t, name) {
		if value {
			fs.String(f, "", "")
		} else {
			fs.Bool(f, false, "")
		}
	}
	rest := global.Args()[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err.Error()
		}
		if fs.NArg() == 0 {
			return ""
		}
		if !interspersed[name] {
			for _, a := range fs.Args() {
				if strings.HasPrefix(a, "-") {
					return "flag " + a + " after an argument is not read as a flag"
				}
			}
			return ""
		}
		rest = fs.Args()[1:]
	}
}

// interspersed are the commands that read flags after their arguments too
// (parseInterspersed: "sources add URL --provider x").
var interspersed = map[string]bool{"sources": true, "edit": true, "admin": true}

// invocation is a newshub command line written somewhere in the project.
type invocation struct {
	where string // file:line
	args  []string
}

// deployInvocations are the command lines of the systemd unit and the
// Dockerfile's default command.
func deployInvocations(t *testing.T, root string) []invocation {
	t.Helper()
	var invs []invocation
	unit, err := os.ReadFile(filepath.Join(root, "deploy", "newshub.service"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(unit), "\n") {
		if v, ok := strings.CutPrefix(l, "ExecStart="); ok {
			if args, ok := newshubArgs(shellWords(v)); ok {
				invs = append(invs, invocation{"deploy/newshub.service:" + strconv.Itoa(i+1), args})
			}
		}
	}
	docker, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(docker), "\n") {
		if v, ok := strings.CutPrefix(l, "CMD "); ok {
			var args []string
			if err := json.Unmarshal([]byte(v), &args); err != nil {
				t.Fatalf("Dockerfile:%d: CMD is not a JSON list: %v", i+1, err)
			}
			invs = append(invs, invocation{"Dockerfile:" + strconv.Itoa(i+1), args})
		}
	}
	if len(invs) != 2 {
		t.Fatalf("found %d newshub commands in the unit and the Dockerfile, want an ExecStart and a CMD", len(invs))
	}
	return invs
}

// readmeBlocks returns the README's code blocks: runs of lines indented
// by four spaces or more after a blank line (a list item's block by six).
func readmeBlocks(t *testing.T, root string) []docBlock {
	t.Helper()
	lines := strings.Split(string(mustRead(t, filepath.Join(root, "README.md"))), "\n")
	var blocks []docBlock
	var cur *docBlock
	indent := ""
	for i, l := range lines {
		indented := strings.HasPrefix(l, "    ") && strings.TrimSpace(l) != ""
		switch {
		case cur == nil && indented && i > 0 && strings.TrimSpace(lines[i-1]) == "":
			cur = &docBlock{file: "README.md", line: i + 1, info: "indented"}
			indent = l[:len(l)-len(strings.TrimLeft(l, " "))]
			fallthrough
		case cur != nil && (indented || strings.TrimSpace(l) == ""):
			// The block's own indentation kept: YAML's nesting.
			cur.text += strings.TrimPrefix(l, indent) + "\n"
		case cur != nil:
			blocks = append(blocks, *cur)
			cur = nil
		}
	}
	if cur != nil {
		blocks = append(blocks, *cur)
	}
	return blocks
}

func TestDocsCommandsUseTheFlagsCommandsDefine(t *testing.T) {
	root := testutil.Root(t)
	invs := deployInvocations(t, root)
	readme := readmeBlocks(t, root)
	for _, b := range append(docBlocks(t, root), readme...) {
		lines, numbers := shellLines(b.text, b.line)
		for i, l := range lines {
			if v, ok := strings.CutPrefix(l, "ExecStart="); ok && b.info == "ini" {
				l = v
			}
			// Each command of a pipeline: "printf … | newshub admin add-user …".
			for _, cmd := range strings.Split(l, " | ") {
				if args, ok := newshubArgs(shellWords(cmd)); ok {
					invs = append(invs, invocation{b.file + ":" + strconv.Itoa(numbers[i]), args})
				}
			}
		}
	}
	// A page without a single command would pass; the deploy page has many,
	// the README its first screen's and the admin area's.
	if len(invs) < 20 {
		t.Fatalf("found only %d newshub commands to check", len(invs))
	}
	if n := countIn(invs, "README.md:"); n < 3 {
		t.Fatalf("found %d newshub commands in the README's blocks, want demo and the two add-user lines", n)
	}
	for _, inv := range invs {
		if msg := checkInvocation(t, inv.args); msg != "" {
			t.Errorf("%s: newshub %s: %s", inv.where, strings.Join(inv.args, " "), msg)
		}
	}
}

func countIn(invs []invocation, prefix string) int {
	n := 0
	for _, inv := range invs {
		if strings.HasPrefix(inv.where, prefix) {
			n++
		}
	}
	return n
}

// codeSpan is an inline `code` span that names a command and its flags: a
// synopsis ("newshub build [--base-url URL] OUT", "edit move URL --to
// STORY\|--out") or a use ("serve --publish OUT").
var codeSpan = regexp.MustCompile("`([^`]+)`")

// spanFlags returns the command a code span names and the flags it gives
// it, or ok false when the span names no command with flags. A span of a
// command's own words ("ingest --once") starts with the command and a
// flag; a span of a subcommand ("edit URL --dedicated", of sources) is
// not read, as its command is not written.
func spanFlags(span string) (name string, flags []string, ok bool) {
	words := strings.Fields(strings.ReplaceAll(span, `\|`, "|"))
	full := len(words) > 0 && words[0] == "newshub"
	if full {
		words = words[1:]
	}
	for len(words) > 1 && (words[0] == "--site" || words[0] == "--db") {
		words = words[2:]
	}
	if len(words) < 2 {
		return "", nil, false
	}
	if _, known := lookup(words[0]); !known || !full && !strings.HasPrefix(words[1], "-") {
		return "", nil, false
	}
	for _, w := range words[1:] {
		for _, alt := range strings.Split(w, "|") {
			if alt = strings.Trim(alt, "[]()"); strings.HasPrefix(alt, "-") {
				f, _, _ := strings.Cut(strings.TrimLeft(alt, "-"), "[")
				f, _, _ = strings.Cut(f, "=")
				flags = append(flags, f)
			}
		}
	}
	if len(flags) == 0 {
		return "", nil, false
	}
	return words[0], flags, true
}

// TestDocsSynopsesNameTheFlagsCommandsDefine checks the flags of every
// command the README's and the docs' inline code names (the README's table
// of commands, "serve --publish OUT" in a sentence) against the flags the
// command defines.
func TestDocsSynopsesNameTheFlagsCommandsDefine(t *testing.T) {
	root := testutil.Root(t)
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range append([]string{filepath.Join(root, "README.md")}, pages...) {
		rel, _ := filepath.Rel(root, p)
		text := string(mustRead(t, p))
		for _, m := range codeSpan.FindAllStringSubmatchIndex(text, -1) {
			name, flags, ok := spanFlags(text[m[2]:m[3]])
			if !ok {
				continue
			}
			checked++
			defined := commandFlags(t, name)
			for _, f := range flags {
				if _, ok := defined[f]; !ok && f != "h" && f != "help" {
					line := 1 + strings.Count(text[:m[0]], "\n")
					t.Errorf("%s:%d: `%s`: newshub %s has no flag --%s", filepath.ToSlash(rel), line, text[m[2]:m[3]], name, f)
				}
			}
		}
	}
	// The README's table alone names some twenty commands with flags.
	if checked < 20 {
		t.Fatalf("found only %d code spans naming a command's flags", checked)
	}
}

func TestSpanFlags(t *testing.T) {
	tests := []struct {
		span  string
		name  string
		flags []string
	}{
		{"newshub build [--base-url URL] [--now TIME] OUT", "build", []string{"base-url", "now"}},
		{`newshub edit move URL --to STORY\|--out`, "edit", []string{"to", "out"}},
		{"newshub --site orbit admin add-user NAME", "", nil},
		{"serve --publish OUT", "serve", []string{"publish"}},
		{"ingest -v", "ingest", []string{"v"}},
		{"newshub sources edit URL --dedicated[=false]", "sources", []string{"dedicated"}},
		{"newshub admin add-user NAME [--replace]\\|list-users", "admin", []string{"replace"}},
		{"edit URL --dedicated=false", "", nil}, // sources edit, its command unwritten
		{"newshub COMMAND -h", "", nil},
		{"--lease", "", nil},
	}
	for _, tt := range tests {
		name, flags, ok := spanFlags(tt.span)
		if name != tt.name || !slices.Equal(flags, tt.flags) || ok != (tt.name != "") {
			t.Errorf("spanFlags(%q) = %q, %q, %v; want %q, %q", tt.span, name, flags, ok, tt.name, tt.flags)
		}
	}
}

func TestCheckInvocationFindsWrongFlags(t *testing.T) {
	tests := []struct {
		args []string
		bad  bool
	}{
		{[]string{"--site", "hub", "build", "--base-url", "https://x/", "out"}, false},
		{[]string{"build", "--base-url", "https://x/", "out", "--no-web"}, true},
		{[]string{"serve", "--adress", "127.0.0.1:8080"}, true},
		{[]string{"serve", "--addr"}, true},
		{[]string{"sources", "add", "https://x/feed", "--provider", "x.org"}, false},
		{[]string{"sources", "add", "https://x/feed", "--publisher", "x.org"}, true},
		{[]string{"publish", "out"}, true},
		{[]string{"--site"}, true},
		{[]string{"ingest", "-v", "--once"}, false},
		{[]string{"edit", "hide", "https://x/a", "--off-topic"}, false},
		{[]string{"admin", "add-user", "ada", "--replace"}, false},
		{[]string{"admin", "add-user", "ada", "--replaced"}, true},
		{[]string{"import", "hub", "--max-size", "1MiB"}, true},
	}
	for _, tt := range tests {
		if msg := checkInvocation(t, tt.args); (msg != "") != tt.bad {
			t.Errorf("newshub %s: %q, want bad=%v", strings.Join(tt.args, " "), msg, tt.bad)
		}
	}
}

// docShell builds the binary and returns a new folder to run the docs'
// commands in and the environment that finds the binary there.
func docShell(t *testing.T) (dir string, env []string) {
	t.Helper()
	bin := testutil.BuildBinary(t)
	dir = t.TempDir()
	return dir, []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + dir, "TMPDIR=" + dir}
}

// runBlock runs script, the text of block b, in dir with env, and returns
// its output; it fails the test when the script fails.
func runBlock(t *testing.T, b docBlock, script, dir string, env []string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-e", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s:%d: %v\n%s\n--- output:\n%s", b.file, b.line, err, script, out)
	}
	return out
}

// TestDocsCommandsRunOffline runs the docs' "sh check" blocks with the
// built binary, one after the other in one folder, and checks what their
// builds wrote.
func TestDocsCommandsRunOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the docs' commands")
	}
	root := testutil.Root(t)
	var checked []docBlock
	for _, b := range docBlocks(t, root) {
		if b.info == "sh check" {
			checked = append(checked, b)
		}
	}
	if len(checked) < 2 {
		t.Fatalf("%d blocks marked sh check, want the site and the static copy at least", len(checked))
	}
	dir, env := docShell(t)
	builds := map[string]string{} // output folder → base URL
	for _, b := range checked {
		runBlock(t, b, b.text, dir, env)
		lines, _ := shellLines(b.text, b.line)
		for _, l := range lines {
			args, _ := newshubArgs(shellWords(l))
			for i := 0; i+3 < len(args); i++ {
				if args[i] == "build" && args[i+1] == "--base-url" {
					builds[args[len(args)-1]] = args[i+2]
				}
			}
		}
	}
	if len(builds) == 0 {
		t.Fatal("no checked block builds a static copy")
	}
	for out, base := range builds {
		if _, err := os.Stat(filepath.Join(dir, out, "index.html")); err != nil {
			t.Errorf("build into %s wrote no website: %v", out, err)
		}
		api, err := os.ReadFile(filepath.Join(dir, out, "api", "news", "index.json"))
		if err != nil {
			t.Errorf("build into %s wrote no API: %v", out, err)
		} else if !bytes.Contains(api, []byte(strings.TrimSuffix(base, "/"))) {
			t.Errorf("%s/api/news/index.json does not link to %s", out, base)
		}
	}
}

func TestDockerfileBuildsWithTheGoOfGoMod(t *testing.T) {
	root := testutil.Root(t)
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	docker, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	from := regexp.MustCompile(`(?m)^FROM golang:(\d+\.\d+)\b`).FindSubmatch(docker)
	if goLine == nil || from == nil {
		t.Fatalf("go.mod's go line %q, Dockerfile's golang image %q", goLine, from)
	}
	if string(goLine[1]) != string(from[1]) {
		t.Errorf("the Dockerfile builds with Go %s, go.mod asks for %s", from[1], goLine[1])
	}
}

// TestSystemdUnitVerifies has systemd check the unit, when systemd-analyze
// is installed, and rate its sandbox.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	root := testutil.Root(t)
	unit, err := os.ReadFile(filepath.Join(root, "deploy", "newshub.service"))
	if err != nil {
		t.Fatal(err)
	}
	// verify wants the program to exist: any executable stands in for it.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "newshub.service")
	if err := os.WriteFile(copyPath, bytes.ReplaceAll(unit, []byte("/usr/local/bin/newshub"), []byte(self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", copyPath).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// 2.0 of 10 at most: systemd calls that "OK"; the unit rates 1.1.
	out, err = exec.Command(analyze, "security", "--offline=yes", "--threshold=20", "--no-pager", copyPath).CombinedOutput()
	if err != nil {
		if bytes.Contains(out, []byte("unrecognized option")) {
			t.Skipf("this systemd-analyze cannot rate a unit file: %s", bytes.TrimSpace(out))
		}
		t.Errorf("systemd-analyze security: %v\n%s", err, lastLines(out, 3))
	}
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestProxySnippetsAreValid has nginx and Caddy, when installed, check the
// configurations the docs give for them.
func TestProxySnippetsAreValid(t *testing.T) {
	root := testutil.Root(t)
	var ngx, caddy []docBlock
	for _, b := range docBlocks(t, root) {
		switch b.info {
		case "nginx":
			ngx = append(ngx, b)
		case "caddy":
			caddy = append(caddy, b)
		}
	}
	if len(ngx) == 0 || len(caddy) == 0 {
		t.Fatalf("%d nginx and %d caddy blocks in the docs, want both", len(ngx), len(caddy))
	}
	t.Run("nginx", func(t *testing.T) {
		bin, err := exec.LookPath("nginx")
		if err != nil {
			t.Skip("nginx is not installed")
		}
		dir := t.TempDir()
		cert, key := selfSigned(t, dir)
		var upstream string
		for _, b := range ngx {
			text := strings.NewReplacer("/etc/letsencrypt/live/news.example.org/fullchain.pem", cert,
				"/etc/letsencrypt/live/news.example.org/privkey.pem", key).Replace(b.text)
			if i := strings.Index(text, "upstream newshub"); i >= 0 {
				upstream = text[i : i+strings.Index(text[i:], "}")+1]
			}
			// A block of location directives goes in a server of its own.
			if !strings.Contains(text, "server {") {
				text = upstream + "\nserver {\n    listen 8443 ssl;\n    ssl_certificate " + cert + ";\n    ssl_certificate_key " + key + ";\n" + text + "}\n"
			}
			conf := filepath.Join(dir, "nginx.conf")
			all := "pid " + filepath.Join(dir, "nginx.pid") + ";\nerror_log " + filepath.Join(dir, "error.log") + ";\nevents {}\nhttp {\n" + text + "}\n"
			if err := os.WriteFile(conf, []byte(all), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bin, "-t", "-q", "-c", conf).CombinedOutput(); err != nil {
				t.Errorf("%s:%d: nginx -t: %v\n%s", b.file, b.line, err, out)
			}
		}
	})
	t.Run("caddy", func(t *testing.T) {
		bin, err := exec.LookPath("caddy")
		if err != nil {
			t.Skip("caddy is not installed")
		}
		dir := t.TempDir()
		for _, b := range caddy {
			conf := filepath.Join(dir, "Caddyfile")
			// Certificates from Caddy's own authority: nothing is asked of the network.
			all := "{\n\tlocal_certs\n\tskip_install_trust\n\tadmin off\n}\n" + b.text
			if err := os.WriteFile(conf, []byte(all), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "validate", "--adapter", "caddyfile", "--config", conf)
			cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s:%d: caddy validate: %v\n%s", b.file, b.line, err, lastLines(out, 5))
			}
		}
	})
}

// selfSigned writes a certificate for news.example.org and its key into
// dir and returns their paths.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "news.example.org"},
		DNSNames: []string{"news.example.org", "example.org"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	write := func(name, typ string, der []byte) {
		var b bytes.Buffer
		pem.Encode(&b, &pem.Block{Type: typ, Bytes: der})
		if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(cert, "CERTIFICATE", der)
	write(key, "EC PRIVATE KEY", kder)
	return cert, key
}

// topKey is a key at the top of a YAML block.
var topKey = regexp.MustCompile(`(?m)^([A-Za-z_][A-Za-z0-9_]*):`)

// configKeys returns the keys of _config.yml a block of the docs sets, or
// nil when it sets none (a decisions list, a topic, a scrape job).
func configKeys(text string) []string {
	known := map[string]bool{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[model.Config]()) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		known[name] = true
	}
	var keys []string
	isConfig := false
	for _, m := range topKey.FindAllStringSubmatch(text, -1) {
		keys = append(keys, m[1])
		isConfig = isConfig || known[m[1]]
	}
	if !isConfig {
		return nil
	}
	return keys
}

// TestDocsConfigKeysAreRead reads every block of the README and the docs
// that sets _config.yml keys as a site's _config.yml, and checks that the
// file is taken and that each key the block sets (and each of its smtp:
// block) is one newshub reads, where a key it does not know would be kept
// and do nothing.
func TestDocsConfigKeysAreRead(t *testing.T) {
	root := testutil.Root(t)
	checked := 0
	for _, b := range append(readmeBlocks(t, root), docBlocks(t, root)...) {
		keys := configKeys(b.text)
		if keys == nil {
			continue
		}
		checked++
		rec, err := content.Parse("_config.yml", []byte("title: Docs\nurl: https://news.example.org\n"+b.text))
		if err != nil {
			t.Errorf("%s:%d: newshub refuses the block as _config.yml: %v", b.file, b.line, err)
			continue
		}
		read := jsonKeys(t, rec.Config)
		for _, k := range keys {
			if _, ok := read[k]; !ok {
				t.Errorf("%s:%d: _config.yml key %s is not read", b.file, b.line, k)
			}
		}
		if rec.Config.SMTP == nil {
			continue
		}
		read = jsonKeys(t, rec.Config.SMTP)
		for _, k := range topKey.FindAllStringSubmatch(smtpBlock(b.text), -1) {
			if _, ok := read[k[1]]; !ok {
				t.Errorf("%s:%d: _config.yml key smtp.%s is not read", b.file, b.line, k[1])
			}
		}
	}
	// The README's newsletter and retention settings at least.
	if checked < 2 {
		t.Fatalf("found %d blocks of _config.yml settings, want 2 or more", checked)
	}
}

// jsonKeys returns the keys v has as JSON: the settings decoded into it.
func jsonKeys(t *testing.T, v any) map[string]json.RawMessage {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// smtpBlock returns the lines of the smtp: map of a block, unindented.
func smtpBlock(text string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "smtp:"):
			in = true
		case in && strings.HasPrefix(l, "  "):
			b.WriteString(strings.TrimLeft(l, " ") + "\n")
		case in && strings.TrimSpace(l) != "":
			in = false
		}
	}
	return b.String()
}

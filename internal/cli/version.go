package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Version is the program version when set at build time with
// -ldflags "-X newshub/internal/cli.Version=v1.2.0"; left empty, the
// version the Go tool stamped into the binary is used.
var Version string

// build is what a binary knows of how it was built.
type build struct {
	version  string // the release, or the module's version (a pseudo-version from the commit)
	revision string // the commit, when built from a checkout
	time     string // the commit's time
	modified bool   // the checkout had changes
	goVer    string
}

// readBuild reads a binary's build from bi (nil when the binary carries no
// build information), release being the version given at build time.
func readBuild(bi *debug.BuildInfo, release string) build {
	b := build{version: release, goVer: runtime.Version()}
	if bi == nil {
		if b.version == "" {
			b.version = "devel"
		}
		return b
	}
	if b.version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.version = bi.Main.Version
	}
	if b.version == "" {
		b.version = "devel"
	}
	b.goVer = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.time = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// currentBuild is the running binary's build.
func currentBuild() build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return readBuild(bi, Version)
}

// version is the version the binary reports, also in its User-Agent.
func version() string { return currentBuild().version }

func (b build) write(w io.Writer) {
	fmt.Fprintf(w, "newshub %s\n", b.version)
	switch {
	case b.revision == "":
		fmt.Fprintf(w, "revision unknown (built outside a git checkout)\n")
	case b.modified:
		fmt.Fprintf(w, "revision %s (%s, with uncommitted changes)\n", b.revision, b.time)
	default:
		fmt.Fprintf(w, "revision %s (%s)\n", b.revision, b.time)
	}
	fmt.Fprintf(w, "%s %s/%s\n", b.goVer, runtime.GOOS, runtime.GOARCH)
}

// runVersion prints the version, the commit it was built from and the Go
// release that built it.
func runVersion(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("version")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	currentBuild().write(env.Stdout)
	return nil
}

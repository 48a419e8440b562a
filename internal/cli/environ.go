package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"newshub/internal/content"
)

// envVars are the environment variables newshub reads, and the one a
// developer's shell holds for the tests (pgtest.EnvServer).
var envVars = []string{
	"NEWSHUB_SITE", "NEWSHUB_DB", "NEWSHUB_LOG_LEVEL", "NEWSHUB_EDITOR", "NEWSHUB_DEBUG_ADDR",
	"NEWSHUB_CPUPROFILE", "NEWSHUB_MEMPROFILE", "NEWSHUB_TEST_POSTGRES",
}

// notEmpty are the variables whose default takes another hub: set but
// empty (NEWSHUB_DB=$DATABASE_URL with the latter unset) they would have
// a command work on the current folder, or a new SQLite file, unsaid.
var notEmpty = []string{"NEWSHUB_SITE", "NEWSHUB_DB"}

// CheckEnviron checks the NEWSHUB_ variables of environ, given as
// os.Environ gives it: it returns a warning for each that newshub does not
// read (a misspelt name would leave its setting at the default, unsaid),
// naming the one it looks like, and an error when one of notEmpty is set
// but empty.
func CheckEnviron(environ []string) (warnings []string, err error) {
	var errs []error
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "NEWSHUB_") {
			continue
		}
		switch {
		case slices.Contains(notEmpty, name) && strings.TrimSpace(val) == "":
			errs = append(errs, fmt.Errorf("%s is set but empty: give it a value, or unset it for the default", name))
		case !slices.Contains(envVars, name):
			warnings = append(warnings, unknownVar(name))
		}
	}
	return warnings, errors.Join(errs...)
}

// unknownVar says that name is no variable newshub reads, and which one
// it looks like a slip of, else which it reads.
func unknownVar(name string) string {
	read := envVars[:7] // the tests' own are not suggested
	msg := name + " is set, but newshub reads no such variable"
	if s := content.Suggest(name, read); s != "" {
		return msg + " (did you mean " + s + "?)"
	}
	return msg + " (it reads " + strings.Join(read, ", ") + ")"
}

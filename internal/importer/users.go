package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"newshub/internal/admin/users"
)

// UsersPath is the site folder's accounts file of the admin area
// (users.Path), which export carries with the records, mode 0600 as the
// hub keeps it: without it the editors of a hub moved by export and
// import could not sign in. It lies under newshub's own folder, which
// Jekyll leaves out of a build and the site's repository keeps out, as
// the hub's database there.
const UsersPath = users.Path

// keepUsers gives the site folder the hub is imported into
// (Options.SiteDir) the accounts of UsersPath of the imported folder that
// it has none of by name, when the two are not one folder: an account the
// site has keeps its password. A file that does not read is rejected; the
// records are imported all the same.
func (imp *importer) keepUsers() error {
	if imp.opts.SiteDir == "" || SameFolder(imp.opts.SiteDir, imp.src) {
		return nil
	}
	abs := filepath.Join(imp.src, filepath.FromSlash(UsersPath))
	us, err := users.Read(abs)
	if err != nil {
		line := 0
		var fe *users.FileError
		if errors.As(err, &fe) {
			line, err = fe.Line, fe.Err
		}
		imp.reject(fileRef{rel: UsersPath, abs: abs}, line, fmt.Errorf("the accounts of the admin area: %v; they are not kept", err))
		return nil
	}
	if len(us) == 0 {
		return nil
	}
	added, err := users.Open(imp.opts.SiteDir, users.Params{}).Keep(us)
	if err != nil {
		return fmt.Errorf("import: keep the accounts of the admin area: %w", err)
	}
	imp.res.Accounts = added
	return nil
}

// SameFolder reports whether a and b are one folder.
func SameFolder(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(fa, fb)
}

//go:build !unix

package publish

// treeID is "" where a folder cannot be told apart from another put at
// its path: no manifest is saved.
func treeID(string) string { return "" }

// mountPoint is false where file systems cannot be told apart: a build
// into one says why it fails as it renames.
func mountPoint(string) bool { return false }

//go:build !unix

package publish

// treeID is "" where a folder cannot be told apart from another put at
// its path: no manifest is saved.
func treeID(string) string { return "" }

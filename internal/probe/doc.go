// Package probe keeps the classes of a hostile probe of newshub as tests
// that run the real binary: concurrent writers that must not lose each
// other's edits, and hostile records that must be refused quickly with
// the real reason. It holds no code of its own; the tests are the point.
package probe

package users

import (
	"testing"
)

// BenchmarkVerify measures a sign-in's password check with the default
// parameters, for a wrong password and for a name without an account:
// the two should take the same time. Run with
//
//	go test -run '^$' -bench Verify -count 5 ./internal/admin/users
func BenchmarkVerify(b *testing.B) {
	a := Open(b.TempDir(), Params{})
	if err := a.Add("ada", "correct horse battery", false, now); err != nil {
		b.Fatal(err)
	}
	a.Verify("warm-up", "x") // makes the decoy
	for _, bc := range []struct{ name, user string }{{"wrong-password", "ada"}, {"unknown-name", "mallory"}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if ok, err := a.Verify(bc.user, "not the password"); ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

package migration

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadOrdersByVersionAndRejectsBadNames(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int  // versions, in order
		wantErr string // part of the error
	}{
		{"ordered by number, not by name", fstest.MapFS{
			"m/10_later.sql": file("B"), "m/2_second.sql": file("A"), "m/0001_first.sql": file("0"),
		}, []int{1, 2, 10}, ""},
		{"no number", fstest.MapFS{"m/init.sql": file("")}, nil, "init.sql: name must start with a positive number"},
		{"zero", fstest.MapFS{"m/0000_x.sql": file("")}, nil, "0000_x.sql: name must start with a positive number"},
		{"shared version", fstest.MapFS{"m/01_a.sql": file(""), "m/1_b.sql": file("")}, nil, "share version 1"},
		{"none", fstest.MapFS{"m/readme.txt": file("")}, nil, "no migrations match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Load(tt.files, "m/*.sql")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load: err %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
				if want := string(tt.files["m/"+m.Name].Data); m.SQL != want {
					t.Errorf("%s: SQL %q, want %q", m.Name, m.SQL, want)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("versions %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("versions %v, want %v", got, tt.want)
				}
			}
		})
	}
}

package content

import "testing"

// TestSingleQuotedEscapes reads single-quoted values holding a quote
// written twice, YAML's one escape within single quotes: each pair is one
// quote, where the fast reader kept both.
func TestSingleQuotedEscapes(t *testing.T) {
	tests := []struct{ value, want string }{
		{`'Biden''s plan'`, `Biden's plan`},
		{`''''`, `'`},
		{`'a''''b'`, `a''b`},
		{`'''quoted'''`, `'quoted'`},
		{`'no quote'`, `no quote`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			rec, err := Parse("_data/topics/01-plan.yaml", []byte("taxonomy: topic\n_id: plan\nname: "+tt.value+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if rec.Topic.Name != tt.want {
				t.Errorf("name %q, want %q", rec.Topic.Name, tt.want)
			}
		})
	}
}

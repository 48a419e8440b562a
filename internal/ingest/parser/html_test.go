package parser

import "testing"

// TestLargestCandidate checks which file of a srcset is the picture: the
// widest, else the first.
func TestLargestCandidate(t *testing.T) {
	tests := []struct{ srcset, want string }{
		{"a-300.jpg 300w, a-1024.jpg 1024w, a-768.jpg 768w", "a-1024.jpg"},
		{"a.jpg, a@2x.jpg 2x", "a.jpg"},
		{"a.jpg 1x,a@2x.jpg 2x", "a.jpg"},
		{"https://cdn.example/w_300,h_200/a.jpg 300w, https://cdn.example/w_900,h_600/a.jpg 900w", "https://cdn.example/w_900,h_600/a.jpg"},
		{"data:image/gif;base64,R0lGOD 1w, b.jpg 640w", "b.jpg"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := largestCandidate(tt.srcset); got != tt.want {
			t.Errorf("largestCandidate(%q) = %q, want %q", tt.srcset, got, tt.want)
		}
	}
}

package cjk

import "testing"

func TestIsTellsScriptsWrittenWithoutSpaces(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'東', true},  // Han
		{'の', true},  // Hiragana
		{'オ', true},  // Katakana
		{'ก', true},  // Thai
		{'a', false}, // Latin
		{'é', false},
		{'Ж', false}, // Cyrillic
		{'서', false}, // Hangul: written with spaces between words
		{'、', false}, // punctuation
		{'1', false},
	}
	for _, tt := range tests {
		if got := Is(tt.r); got != tt.want {
			t.Errorf("Is(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

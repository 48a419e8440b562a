package picture

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
)

// parseSVG checks that data is one well-formed SVG document and returns
// the width and height of its root.
func parseSVG(data []byte) (w, h int, err error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	roots := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok || roots > 0 && el.Name.Local != "svg" {
			continue
		}
		if roots++; roots > 1 {
			return 0, 0, errors.New("an svg inside the svg")
		}
		if el.Name.Local != "svg" || el.Name.Space != "http://www.w3.org/2000/svg" {
			return 0, 0, fmt.Errorf("root element %v, want svg", el.Name)
		}
		for _, a := range el.Attr {
			switch a.Name.Local {
			case "width":
				w, _ = strconv.Atoi(a.Value)
			case "height":
				h, _ = strconv.Atoi(a.Value)
			}
		}
	}
	if w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("no width and height on the root (%d×%d)", w, h)
	}
	return w, h, nil
}

// sizes are the shapes pictures are drawn in: news photos, a square, a
// guide's near-square, a video thumbnail.
var sizes = [][2]int{{1200, 675}, {1280, 720}, {1200, 800}, {400, 400}, {760, 690}, {480, 360}}

func TestEveryMotifDrawsAWellFormedSVGOfItsSize(t *testing.T) {
	for _, m := range Motifs() {
		for i, size := range sizes {
			// Eight seeds cover both grounds and every order of the accents.
			for seed := range uint64(8) {
				p := Picture{Motif: m, Width: size[0], Height: size[1], Palette: PaletteAt(i), Seed: seed, Play: seed == 3}
				data := p.AppendSVG(nil)
				w, h, err := parseSVG(data)
				if err != nil {
					t.Fatalf("%v %dx%d seed %d: %v\n%s", m, size[0], size[1], seed, err, data)
				}
				if w != size[0] || h != size[1] {
					t.Errorf("%v: drawn at %d×%d, want %d×%d", m, w, h, size[0], size[1])
				}
				if len(data) > 6000 {
					t.Errorf("%v %dx%d seed %d: %d bytes, want a few thousand at most", m, size[0], size[1], seed, len(data))
				}
			}
		}
	}
}

func TestLogosAreWellFormedSquares(t *testing.T) {
	for _, name := range []string{"Civic Wire", "The Cedar Hollow Gazette", "Ashford <&> Star", "Ünterwald Post", ""} {
		for seed := range uint64(6) {
			data := Logo{Name: name, Size: 400, Seed: seed}.AppendSVG(nil)
			w, h, err := parseSVG(data)
			if err != nil {
				t.Fatalf("logo %q seed %d: %v\n%s", name, seed, err, data)
			}
			if w != 400 || h != 400 {
				t.Errorf("logo %q: %d×%d, want 400×400", name, w, h)
			}
		}
	}
}

func TestSameDescriptionGivesSameBytes(t *testing.T) {
	p := Picture{Motif: Rally, Width: 1200, Height: 675, Palette: PaletteAt(2), Seed: 42}
	a, b := p.AppendSVG(nil), p.AppendSVG([]byte("reused buffer")[:0])
	if !bytes.Equal(a, b) {
		t.Fatal("the same picture drawn twice differs")
	}
	p.Seed++
	if bytes.Equal(a, p.AppendSVG(nil)) {
		t.Error("another seed draws the same picture")
	}
	l := Logo{Name: "Daily Ballot", Size: 400, Seed: 1}
	if !bytes.Equal(l.AppendSVG(nil), l.AppendSVG(nil)) {
		t.Error("the same logo drawn twice differs")
	}
}

func TestMonogram(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Civic Wire", "CW"},
		{"The Cedar Hollow Gazette", "CG"},
		{"Open Record News", "ON"},
		{"The Times", "T"},
		{"the nation", "N"},
		{"Reuters", "R"},
		{"über blatt", "ÜB"},
		{"  --  ", "?"},
		{"The", "T"},
	}
	for _, tt := range tests {
		if got := Monogram(tt.name); got != tt.want {
			t.Errorf("Monogram(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPaletteAtCountsRound(t *testing.T) {
	if PaletteAt(NumPalettes+1) != PaletteAt(1) || PaletteAt(-1) != PaletteAt(NumPalettes-1) {
		t.Error("PaletteAt does not count round")
	}
}

// BenchmarkStoryPicture draws a story's picture into a reused buffer, as
// gen does for each story.
func BenchmarkStoryPicture(b *testing.B) {
	var buf []byte
	seed := uint64(0)
	for b.Loop() {
		seed++
		p := Picture{Motif: Motif(seed % uint64(numMotifs)), Width: 1200, Height: 675, Palette: PaletteAt(int(seed)), Seed: seed}
		buf = p.AppendSVG(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
)

// The plot: one panel a quantity, its series drawn as lines over the time
// of the run, a dashed line where warm-up ends. Labels use a 3×5 pixel
// font drawn twice its size: the standard library has no text drawing.
const (
	plotW      = 960
	panelH     = 190
	marginL    = 70
	marginR    = 20
	marginT    = 34
	marginB    = 26
	fontScale  = 2
	glyphWidth = 4 * fontScale
)

type series struct {
	name  string
	color color.RGBA
	value func(Sample) float64
}

type panel struct {
	title  string
	series []series
}

var (
	blue   = color.RGBA{31, 119, 180, 255}
	orange = color.RGBA{230, 120, 20, 255}
	green  = color.RGBA{44, 160, 44, 255}
	red    = color.RGBA{214, 39, 40, 255}
	grey   = color.RGBA{110, 110, 110, 255}
	light  = color.RGBA{150, 190, 230, 255}
	black  = color.RGBA{0, 0, 0, 255}
	rule   = color.RGBA{225, 225, 225, 255}
)

func panels() []panel {
	return []panel{
		{"MEMORY MB", []series{
			{"RSS", red, func(s Sample) float64 { return s.RSSMB }},
			{"RSS ANON", orange, func(s Sample) float64 { return s.AnonMB }},
			{"HEAP LIVE", blue, func(s Sample) float64 { return s.HeapMB }},
		}},
		{"COUNT", []series{
			{"GOROUTINES", blue, func(s Sample) float64 { return count(s.Goroutines) }},
			{"OPEN FILES", green, func(s Sample) float64 { return float64(s.FDs) }},
			{"THREADS", orange, func(s Sample) float64 { return float64(s.Threads) }},
		}},
		{"LATENCY MS PER WINDOW", []series{
			{"API P50", light, func(s Sample) float64 { return s.APIP50 }},
			{"API P99", blue, func(s Sample) float64 { return s.APIP99 }},
			{"PAGE P99", orange, func(s Sample) float64 { return s.PageP99 }},
		}},
		{"INGEST AND LOAD", []series{
			{"ARTICLES STORED /1000", grey, func(s Sample) float64 { return float64(s.Articles) / 1000 }},
			{"SERVER CPU %/10", red, func(s Sample) float64 { return s.CPU / 10 }},
			{"ERRORS", orange, func(s Sample) float64 { return float64(s.Errors) }},
		}},
	}
}

func count(n int) float64 {
	if n < 0 {
		return math.NaN()
	}
	return float64(n)
}

// writePlot draws the samples to a PNG file.
func writePlot(path string, samples []Sample, warmupEnd float64) error {
	ps := panels()
	img := image.NewRGBA(image.Rect(0, 0, plotW, panelH*len(ps)))
	fill(img, img.Bounds(), color.RGBA{255, 255, 255, 255})
	tEnd := samples[len(samples)-1].T
	for i, p := range ps {
		drawPanel(img, image.Rect(0, i*panelH, plotW, (i+1)*panelH), p, samples, tEnd, warmupEnd)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func drawPanel(img *image.RGBA, r image.Rectangle, p panel, samples []Sample, tEnd, warmupEnd float64) {
	area := image.Rect(r.Min.X+marginL, r.Min.Y+marginT, r.Max.X-marginR, r.Max.Y-marginB)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range p.series {
		for _, smp := range samples {
			if v := s.value(smp); !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	lo = min(lo, 0) // from zero, so a change reads at its true size
	if hi <= lo {
		hi = lo + 1
	}
	hi *= 1.05
	x := func(t float64) int { return area.Min.X + int(t/max(tEnd, 1)*float64(area.Dx())) }
	y := func(v float64) int { return area.Max.Y - int((v-lo)/(hi-lo)*float64(area.Dy())) }

	// Grid and axes: four rules with their values, minutes below.
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		hline(img, area.Min.X, area.Max.X, y(v), rule)
		label := formatNum(v)
		text(img, area.Min.X-6-len(label)*glyphWidth, y(v)-5, label, black)
	}
	step := niceStep(tEnd / 60 / 8)
	for m := 0.0; m*60 <= tEnd; m += step {
		vline(img, x(m*60), area.Max.Y, area.Max.Y+4, black)
		text(img, x(m*60)-4, area.Max.Y+8, formatNum(m), black)
	}
	text(img, r.Min.X+8, area.Max.Y+8, "MIN", black)
	for yy := area.Min.Y; yy < area.Max.Y; yy += 8 {
		vline(img, x(warmupEnd), yy, yy+4, grey)
	}
	hline(img, area.Min.X, area.Max.X, area.Max.Y, black)
	vline(img, area.Min.X, area.Min.Y, area.Max.Y, black)

	// Title and legend.
	text(img, r.Min.X+8, r.Min.Y+8, p.title, black)
	lx := r.Min.X + marginL + len(p.title)*glyphWidth - 40
	for _, s := range p.series {
		lx += 40
		fill(img, image.Rect(lx, r.Min.Y+11, lx+16, r.Min.Y+15), s.color)
		text(img, lx+22, r.Min.Y+8, s.name, s.color)
		lx += 22 + len(s.name)*glyphWidth
	}
	for _, s := range p.series {
		prevOK := false
		var px, py int
		for _, smp := range samples {
			v := s.value(smp)
			if math.IsNaN(v) {
				prevOK = false
				continue
			}
			cx, cy := x(smp.T), y(v)
			if prevOK {
				line(img, px, py, cx, cy, s.color)
			}
			px, py, prevOK = cx, cy, true
		}
	}
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func formatNum(v float64) string {
	switch {
	case math.Abs(v) >= 100 || v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
	}
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func hline(img *image.RGBA, x0, x1, y int, c color.RGBA) {
	fill(img, image.Rect(x0, y, x1+1, y+1), c)
}

func vline(img *image.RGBA, x, y0, y1 int, c color.RGBA) {
	fill(img, image.Rect(x, y0, x+1, y1+1), c)
}

// line draws a two-pixel line from (x0, y0) to (x1, y1) (Bresenham).
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		fill(img, image.Rect(x0, y0, x0+2, y0+2), c)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// text draws s from (x, y), its top left; characters the font lacks are
// left blank.
func text(img *image.RGBA, x, y int, s string, c color.RGBA) {
	for _, ch := range strings.ToUpper(s) {
		if g, ok := glyphs[ch]; ok {
			for i, px := range g {
				if px == '#' {
					gx, gy := i%3, i/3
					fill(img, image.Rect(x+gx*fontScale, y+gy*fontScale, x+(gx+1)*fontScale, y+(gy+1)*fontScale), c)
				}
			}
		}
		x += glyphWidth
	}
}

// glyphs is a 3×5 pixel font, rows top to bottom.
var glyphs = map[rune]string{
	'0': "####.##.##.####", '1': ".#.##..#..#.###", '2': "###..#####..###",
	'3': "###..#.##..####", '4': "#.##.####..#..#", '5': "####..###..####",
	'6': "####..####.####", '7': "###..#..#.#..#.", '8': "####.#####.####",
	'9': "####.####..####", 'A': ".#.#.#####.##.#", 'B': "##.#.###.#.###.",
	'C': ".###..#..#...##", 'D': "##.#.##.##.###.", 'E': "####..##.#..###",
	'F': "####..##.#..#..", 'G': ".###..#.##.#.##", 'H': "#.##.#####.##.#",
	'I': "###.#..#..#.###", 'J': "..#..#..##.#.#.", 'K': "#.##.###.#.##.#",
	'L': "#..#..#..#..###", 'M': "#.########.##.#", 'N': "##.#.##.##.##.#",
	'O': ".#.#.##.##.#.#.", 'P': "##.#.###.#..#..", 'Q': ".#.#.##.###..##",
	'R': "##.#.###.#.##.#", 'S': ".###...#...###.", 'T': "###.#..#..#..#.",
	'U': "#.##.##.##.####", 'V': "#.##.##.##.#.#.", 'W': "#.##.########.#",
	'X': "#.##.#.#.#.##.#", 'Y': "#.##.#.#..#..#.", 'Z': "###..#.#.#..###",
	' ': "...............", '.': ".............#.", '-': "......###......",
	'%': "#....#.#.#....#", '/': "..#..#.#.#..#..", ':': "....#.....#....",
	'(': ".#.#..#..#...#.", ')': ".#...#..#..#.#.", '+': "....#.###.#....",
	',': "..........#.#..", '=': "...###...###...",
}

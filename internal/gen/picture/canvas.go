package picture

import (
	"math"
	"strconv"
)

// canvas appends SVG elements to a buffer. Drawings are laid out in
// thousandths of the height around the horizontal centre, so a motif keeps
// its proportions at any aspect ratio and stays inside the central square
// that crops to a thumbnail keep.
type canvas struct {
	b    []byte
	w, h int
}

func (c *canvas) open(w, h int) {
	c.w, c.h = w, h
	c.b = append(c.b, `<svg xmlns="http://www.w3.org/2000/svg" width="`...)
	c.num(w)
	c.b = append(c.b, `" height="`...)
	c.num(h)
	c.b = append(c.b, `" viewBox="0 0 `...)
	c.num(w)
	c.b = append(c.b, ' ')
	c.num(h)
	c.b = append(c.b, `">`...)
}

func (c *canvas) close() { c.b = append(c.b, "</svg>\n"...) }

// X maps a layout x (thousandths of the height from the centre) to pixels.
func (c *canvas) X(v int) int { return c.w/2 + v*c.h/1000 }

// Y maps a layout y (thousandths of the height from the top) to pixels.
func (c *canvas) Y(v int) int { return v * c.h / 1000 }

// S scales a layout length to pixels.
func (c *canvas) S(v int) int { return v * c.h / 1000 }

// halfWidth is half the canvas width in layout units.
func (c *canvas) halfWidth() int { return c.w * 500 / c.h }

func (c *canvas) num(v int) { c.b = strconv.AppendInt(c.b, int64(v), 10) }

func (c *canvas) attr(name string, v int) {
	c.b = append(c.b, ' ')
	c.b = append(c.b, name...)
	c.b = append(c.b, `="`...)
	c.num(v)
	c.b = append(c.b, '"')
}

func (c *canvas) fill(color string) {
	if color != "" {
		c.b = append(c.b, ` fill="`...)
		c.b = append(c.b, color...)
		c.b = append(c.b, '"')
	}
}

// group opens a <g> whose fill and opacity its shapes inherit; an empty
// value is left out.
func (c *canvas) group(color, opacity string) {
	c.b = append(c.b, "<g"...)
	c.fill(color)
	if opacity != "" {
		c.b = append(c.b, ` opacity="`...)
		c.b = append(c.b, opacity...)
		c.b = append(c.b, '"')
	}
	c.b = append(c.b, '>')
}

// rotated opens a <g> turned by deg degrees around (x, y).
func (c *canvas) rotated(deg, x, y int) {
	c.b = append(c.b, `<g transform="rotate(`...)
	c.num(deg)
	c.b = append(c.b, ' ')
	c.num(x)
	c.b = append(c.b, ' ')
	c.num(y)
	c.b = append(c.b, `)">`...)
}

func (c *canvas) end() { c.b = append(c.b, "</g>"...) }

// rect draws a rectangle in pixels; fill "" inherits the group's.
func (c *canvas) rect(x, y, w, h, r int, fill string) {
	c.b = append(c.b, "<rect"...)
	if x != 0 {
		c.attr("x", x)
	}
	if y != 0 {
		c.attr("y", y)
	}
	c.attr("width", w)
	c.attr("height", h)
	if r > 0 {
		c.attr("rx", r)
	}
	c.fill(fill)
	c.b = append(c.b, "/>"...)
}

func (c *canvas) circle(cx, cy, r int, fill string) {
	c.b = append(c.b, "<circle"...)
	c.attr("cx", cx)
	c.attr("cy", cy)
	c.attr("r", r)
	c.fill(fill)
	c.b = append(c.b, "/>"...)
}

func (c *canvas) ellipse(cx, cy, rx, ry int, fill string) {
	c.b = append(c.b, "<ellipse"...)
	c.attr("cx", cx)
	c.attr("cy", cy)
	c.attr("rx", rx)
	c.attr("ry", ry)
	c.fill(fill)
	c.b = append(c.b, "/>"...)
}

func (c *canvas) points(pts []int) {
	c.b = append(c.b, ` points="`...)
	for i, v := range pts {
		if i > 0 {
			c.b = append(c.b, ' ')
		}
		c.num(v)
	}
	c.b = append(c.b, '"')
}

// polygon draws a closed shape through pixel points x0 y0 x1 y1 ….
func (c *canvas) polygon(fill string, pts ...int) {
	c.b = append(c.b, "<polygon"...)
	c.points(pts)
	c.fill(fill)
	c.b = append(c.b, "/>"...)
}

// line draws an open stroke of the given width through pixel points, with
// round ends; dash > 0 dots it.
func (c *canvas) line(stroke string, width, dash int, pts ...int) {
	c.b = append(c.b, "<polyline"...)
	c.points(pts)
	c.b = append(c.b, ` fill="none" stroke="`...)
	c.b = append(c.b, stroke...)
	c.b = append(c.b, '"')
	c.attr("stroke-width", width)
	c.b = append(c.b, ` stroke-linecap="round" stroke-linejoin="round"`...)
	if dash > 0 {
		c.attr("stroke-dasharray", dash)
	}
	c.b = append(c.b, "/>"...)
}

// path starts a path; add segments with to and finish with done.
func (c *canvas) path() { c.b = append(c.b, `<path d="`...) }

// to appends a path command with pixel coordinates.
func (c *canvas) to(cmd byte, xy ...int) {
	c.b = append(c.b, cmd)
	for i, v := range xy {
		if i > 0 {
			c.b = append(c.b, ' ')
		}
		c.num(v)
	}
}

func (c *canvas) done(fill string) {
	c.b = append(c.b, '"')
	c.fill(fill)
	c.b = append(c.b, "/>"...)
}

// star draws a five-pointed star of outer radius r.
func (c *canvas) star(cx, cy, r int, fill string) {
	var pts [20]int
	for i, p := range starPoints {
		pts[2*i] = cx + p[0]*r/1000
		pts[2*i+1] = cy + p[1]*r/1000
	}
	c.polygon(fill, pts[:]...)
}

// starPoints is a five-pointed star of radius 1000, first point up. Whole
// numbers, so the bytes do not depend on the platform's floating point.
var starPoints = [10][2]int{
	{0, -1000}, {225, -309}, {951, -309}, {363, 118}, {588, 809},
	{0, 382}, {-588, 809}, {-363, 118}, {-951, -309}, {-225, -309},
}

// scallop draws n points round a circle of radius r, the notches between
// them at inner percent of r: a rosette, or a burst when inner is small.
func (c *canvas) scallop(cx, cy, r, n, inner int, fill string) {
	pts := make([]int, 0, 4*n)
	for i := range 2 * n {
		rr := r
		if i%2 == 1 {
			rr = r * inner / 100
		}
		s, co := math.Sincos(float64(i) * math.Pi / float64(n))
		pts = append(pts, cx+int(math.Round(co*float64(rr))), cy+int(math.Round(s*float64(rr))))
	}
	c.polygon(fill, pts...)
}

// text draws a short label centred on (x, y), in a serif face.
func (c *canvas) text(x, y, size int, fill, s string) {
	c.b = append(c.b, `<text`...)
	c.attr("x", x)
	c.attr("y", y+size*35/100) // the baseline that centres capitals
	c.attr("font-size", size)
	c.b = append(c.b, ` font-family="Georgia,'DejaVu Serif',serif" font-weight="700" text-anchor="middle"`...)
	c.fill(fill)
	c.b = append(c.b, '>')
	for _, r := range s {
		switch r {
		case '&':
			c.b = append(c.b, "&amp;"...)
		case '<':
			c.b = append(c.b, "&lt;"...)
		case '>':
			c.b = append(c.b, "&gt;"...)
		default:
			c.b = append(c.b, string(r)...)
		}
	}
	c.b = append(c.b, "</text>"...)
}

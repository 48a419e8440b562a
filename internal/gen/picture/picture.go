// Package picture draws the placeholder art of synthetic hubs as small SVG
// documents: a flat editorial illustration for a story, event or guide, a
// head-and-shoulders portrait for a person and a monogram logo for a
// publisher. A picture depends only on its description, so the same
// description gives the same bytes.
package picture

import (
	"math"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Motif is what an illustration shows.
type Motif uint8

// The motifs, one for each kind of story the hub covers.
const (
	Ballot      Motif = iota // a ballot going into a box
	Rally                    // a crowd under raised placards
	Plan                     // a document with a diagram
	Debate                   // two speech bubbles
	Poll                     // a bar chart with its trend line
	Endorsement              // a rosette with a star
	Clash                    // two arrows meeting head on
	Money                    // rising stacks of coins
	Visit                    // a route across a map to a pin
	Court                    // a courthouse front
	Horizon                  // a sun over waves
	Portrait                 // a head and shoulders
	Guide                    // an open book
	numMotifs
)

var motifNames = [numMotifs]string{"ballot", "rally", "plan", "debate", "poll", "endorsement",
	"clash", "money", "visit", "court", "horizon", "portrait", "guide"}

func (m Motif) String() string {
	if m < numMotifs {
		return motifNames[m]
	}
	return "motif?"
}

// Motifs returns every motif, in order.
func Motifs() []Motif {
	ms := make([]Motif, numMotifs)
	for i := range ms {
		ms[i] = Motif(i)
	}
	return ms
}

// Palette is a picture's colours: a light ground, a dark ink and three
// accents, as CSS hex colours.
type Palette struct{ Ground, Ink, A, B, C string }

// palettes are muted print colours; each reads on its ground and on its
// ink, so a picture may swap the two.
var palettes = [...]Palette{
	{"#f3ede2", "#1f3a5f", "#e4572e", "#f2b134", "#2e86ab"},
	{"#edf2ec", "#23423a", "#5b8e7d", "#f4a259", "#bc4b51"},
	{"#f6eef0", "#3d2c4e", "#8e5572", "#f2c57c", "#7fb7be"},
	{"#eef1f4", "#2b3a4a", "#e0a526", "#6c8ead", "#d1495b"},
	{"#e9f4f3", "#0b4f6c", "#20a39e", "#ef5b5b", "#ffba49"},
	{"#f4ebdd", "#4a2c21", "#b5523b", "#e8b04b", "#3c6e71"},
	{"#eceff1", "#263238", "#4f83cc", "#f28f3b", "#c8553d"},
	{"#f1f0e6", "#3f4a2c", "#a3a847", "#d96c3b", "#5c7ea3"},
}

// NumPalettes is how many palettes PaletteAt cycles through.
const NumPalettes = len(palettes)

// PaletteAt returns palette i, counting round.
func PaletteAt(i int) Palette { return palettes[(i%NumPalettes+NumPalettes)%NumPalettes] }

// paper is the colour of sheets, cards and pages on any ground.
const paper = "#fffdf8"

// Picture describes one illustration.
type Picture struct {
	Motif         Motif
	Width, Height int
	Palette       Palette
	// Seed varies the layout, the order of the accents and, one time in
	// four, puts the drawing on its ink instead of its ground.
	Seed uint64
	// Play lays a play button over the drawing, for videos.
	Play bool
}

// AppendSVG appends the picture's SVG document to b.
func (p Picture) AppendSVG(b []byte) []byte {
	rng := rand.New(rand.NewPCG(p.Seed, 0x7069637475726573))
	c := &canvas{b: b}
	c.open(p.Width, p.Height)
	d := &drawing{canvas: c, rng: rng, p: p.Palette}
	order := [3]string{d.p.A, d.p.B, d.p.C}
	rng.Shuffle(3, func(i, j int) { order[i], order[j] = order[j], order[i] })
	d.c1, d.c2, d.c3 = order[0], order[1], order[2]
	if rng.IntN(4) == 0 {
		d.p.Ground, d.p.Ink = d.p.Ink, d.p.Ground
	}
	c.rect(0, 0, p.Width, p.Height, 0, d.p.Ground)
	d.backdrop()
	if p.Motif < numMotifs {
		motifs[p.Motif](d)
	}
	if p.Play {
		d.play()
	}
	c.close()
	return c.b
}

// drawing is a picture being drawn: its canvas, its random source and its
// colours, the accents in the order this picture uses them.
type drawing struct {
	*canvas
	rng        *rand.Rand
	p          Palette
	c1, c2, c3 string
}

// between returns a random whole number in [lo, hi].
func (d *drawing) between(lo, hi int) int { return lo + d.rng.IntN(hi-lo+1) }

var motifs = [numMotifs]func(*drawing){
	Ballot: (*drawing).ballot, Rally: (*drawing).rally, Plan: (*drawing).plan,
	Debate: (*drawing).debate, Poll: (*drawing).poll, Endorsement: (*drawing).endorsement,
	Clash: (*drawing).clash, Money: (*drawing).money, Visit: (*drawing).visit,
	Court: (*drawing).court, Horizon: (*drawing).horizon, Portrait: (*drawing).portrait,
	Guide: (*drawing).guide,
}

// backdrop lays a large pale disc behind the motif, to one side.
func (d *drawing) backdrop() {
	side := 1 - 2*d.rng.IntN(2)
	d.group(d.c3, ".18")
	d.circle(d.X(side*d.between(250, 520)), d.Y(d.between(180, 420)), d.S(d.between(380, 500)), "")
	d.end()
}

func (d *drawing) ballot() {
	d.rect(d.X(-260), d.Y(520), d.S(520), d.S(400), d.S(16), d.p.Ink)
	d.rect(d.X(-260), d.Y(650), d.S(520), d.S(50), 0, d.c2)
	d.star(d.X(0), d.Y(800), d.S(55), d.c2)
	d.rotated(d.between(-10, -4), d.X(0), d.Y(400))
	d.rect(d.X(-150), d.Y(150), d.S(300), d.S(380), d.S(12), paper)
	for i := range 3 {
		y := 220 + 90*i
		d.rect(d.X(-105), d.Y(y), d.S(50), d.S(50), d.S(8), d.c3)
		d.group(d.p.Ink, ".25")
		d.rect(d.X(-30), d.Y(y+14), d.S(140-25*i), d.S(22), d.S(11), "")
		d.end()
	}
	d.line(d.c1, d.S(26), 0, d.X(-110), d.Y(235), d.X(-80), d.Y(268), d.X(-30), d.Y(195))
	d.end()
	d.rect(d.X(-300), d.Y(480), d.S(600), d.S(70), d.S(14), d.c1)
	d.rect(d.X(-170), d.Y(505), d.S(340), d.S(20), d.S(10), d.p.Ink)
}

func (d *drawing) rally() {
	slots := [4]int{-400, -140, 130, 390}
	for i, x := range slots {
		if i == 1+d.rng.IntN(3) {
			continue // three placards, never the same three
		}
		x += d.between(-40, 40)
		top := d.between(260, 360)
		d.rotated(d.between(-8, 8), d.X(x), d.Y(top+300))
		d.rect(d.X(x-8), d.Y(top+60), d.S(16), d.S(420), 0, d.p.Ink)
		fill := [3]string{d.c1, d.c2, paper}[i%3]
		d.rect(d.X(x-120), d.Y(top), d.S(240), d.S(150), d.S(10), fill)
		if fill == paper {
			d.star(d.X(x), d.Y(top+75), d.S(50), d.c1)
		} else {
			d.group(paper, ".9")
			d.rect(d.X(x-80), d.Y(top+50), d.S(160), d.S(20), d.S(10), "")
			d.rect(d.X(x-55), d.Y(top+85), d.S(110), d.S(20), d.S(10), "")
			d.end()
		}
		d.end()
	}
	hw := d.halfWidth()
	rows := [3]struct {
		y, r, gap int
		fill      string
		opacity   string
	}{{640, 46, 150, d.c2, ".7"}, {770, 54, 170, d.c3, ""}, {900, 62, 190, d.p.Ink, ""}}
	for i, row := range rows {
		d.group(row.fill, row.opacity)
		for x := -hw - row.gap/2 + i*row.gap/3 + d.between(0, 40); x < hw+row.gap; x += row.gap + d.between(-15, 15) {
			y := row.y + d.between(-12, 12)
			d.circle(d.X(x), d.Y(y), d.S(row.r), "")
			d.ellipse(d.X(x), d.Y(y+row.r*23/10), d.S(row.r*17/10), d.S(row.r*15/10), "")
		}
		d.end()
	}
}

func (d *drawing) plan() {
	tilt := d.between(-5, 5)
	d.group(d.p.Ink, ".15")
	d.rotated(tilt, d.X(0), d.Y(500))
	d.rect(d.X(-240), d.Y(160), d.S(520), d.S(740), d.S(14), "")
	d.end()
	d.end()
	d.rotated(tilt, d.X(0), d.Y(500))
	d.rect(d.X(-260), d.Y(130), d.S(520), d.S(740), d.S(14), paper)
	d.rect(d.X(-200), d.Y(200), d.S(260), d.S(40), d.S(8), d.c1)
	d.group(d.p.Ink, ".2")
	for i := range 5 {
		d.rect(d.X(-200), d.Y(300+55*i), d.S(400-d.between(0, 120)), d.S(18), d.S(9), "")
	}
	d.rect(d.X(-200), d.Y(640), d.S(120), d.S(18), d.S(9), "")
	d.rect(d.X(-200), d.Y(690), d.S(90), d.S(18), d.S(9), "")
	d.end()
	cx, cy, r := d.X(90), d.Y(680), d.S(110)
	d.circle(cx, cy, r, d.c2)
	s, co := math.Sincos(float64(d.between(100, 220)) * math.Pi / 180)
	d.path()
	d.to('M', cx, cy)
	d.to('L', cx, cy-r)
	d.to('A', r, r, 0, 0, 1, cx+int(math.Round(s*float64(r))), cy-int(math.Round(co*float64(r))))
	d.to('Z')
	d.done(d.c3)
	d.end()
}

func (d *drawing) debate() {
	d.rect(d.X(-440), d.Y(160), d.S(500), d.S(300), d.S(70), d.c1)
	d.polygon(d.c1, d.X(-340), d.Y(440), d.X(-390), d.Y(570), d.X(-230), d.Y(450))
	d.group(d.c2, ".95")
	d.rect(d.X(-60), d.Y(420), d.S(500), d.S(300), d.S(70), "")
	d.polygon("", d.X(300), d.Y(700), d.X(370), d.Y(830), d.X(200), d.Y(710))
	d.end()
	d.group(paper, ".85")
	for i := range 3 {
		d.rect(d.X(-370), d.Y(235+65*i), d.S(360-d.between(0, 140)), d.S(28), d.S(14), "")
		d.rect(d.X(10), d.Y(495+65*i), d.S(360-d.between(0, 140)), d.S(28), d.S(14), "")
	}
	d.end()
}

func (d *drawing) poll() {
	n := d.between(5, 8)
	slot := 900 / n
	bw := slot * 62 / 100
	heights := make([]int, n)
	h, top := d.between(180, 360), 0
	for i := range heights {
		h = min(max(h+d.between(-110, 150), 120), 600)
		heights[i] = h
		if h > heights[top] {
			top = i
		}
	}
	d.group(d.p.Ink, ".14")
	for k := 1; k <= 3; k++ {
		d.rect(d.X(-460), d.Y(820-170*k), d.S(920), d.S(6), 0, "")
	}
	d.end()
	trend := make([]int, 0, 2*n)
	for i, h := range heights {
		x := -450 + slot*i + (slot-bw)/2
		fill := d.c1
		if i == top {
			fill = d.c2
		}
		d.rect(d.X(x), d.Y(820-h), d.S(bw), d.S(h), d.S(10), fill)
		trend = append(trend, d.X(x+bw/2), d.Y(820-h-70))
	}
	d.rect(d.X(-470), d.Y(815), d.S(940), d.S(12), d.S(6), d.p.Ink)
	d.line(d.p.Ink, d.S(14), 0, trend...)
	last := trend[len(trend)-2:]
	d.circle(last[0], last[1], d.S(32), d.c3)
	d.circle(last[0], last[1], d.S(14), paper)
}

func (d *drawing) endorsement() {
	d.polygon(d.c2, d.X(-120), d.Y(560), d.X(-210), d.Y(900), d.X(-130), d.Y(850), d.X(-70), d.Y(920), d.X(10), d.Y(580))
	d.polygon(d.c3, d.X(120), d.Y(560), d.X(210), d.Y(900), d.X(130), d.Y(850), d.X(70), d.Y(920), d.X(-10), d.Y(580))
	cx, cy := d.X(0), d.Y(420)
	d.scallop(cx, cy, d.S(260), 20, 88, d.c1)
	d.circle(cx, cy, d.S(200), paper)
	d.circle(cx, cy, d.S(170), d.c1)
	d.star(cx, cy+d.S(10), d.S(120), paper)
	hw := d.halfWidth()
	for i := range 4 {
		x := (1 - 2*(i%2)) * d.between(380, max(400, hw-80))
		d.star(d.X(x), d.Y(d.between(150, 850)), d.S(d.between(25, 45)), [2]string{d.c2, d.c3}[i/2])
	}
}

func (d *drawing) clash() {
	d.scallop(d.X(0), d.Y(500), d.S(250), 9, 50, d.c3)
	hw := d.halfWidth()
	dy := d.between(-40, 40)
	d.polygon(d.c1, d.X(-hw), d.Y(400+dy), d.X(-170), d.Y(400+dy), d.X(-170), d.Y(280+dy),
		d.X(-30), d.Y(500+dy), d.X(-170), d.Y(720+dy), d.X(-170), d.Y(600+dy), d.X(-hw), d.Y(600+dy))
	d.polygon(d.c2, d.X(hw), d.Y(400-dy), d.X(170), d.Y(400-dy), d.X(170), d.Y(280-dy),
		d.X(30), d.Y(500-dy), d.X(170), d.Y(720-dy), d.X(170), d.Y(600-dy), d.X(hw), d.Y(600-dy))
}

func (d *drawing) money() {
	const coin, edge = 85, 34
	d.group(d.p.Ink, ".12")
	d.ellipse(d.X(0), d.Y(860), d.S(500), d.S(50), "")
	d.end()
	tops := make([]int, 0, 8)
	for i := range 4 {
		x := -330 + 220*i
		n := 3 + 2*i + d.rng.IntN(2)
		top := 850 - n*edge
		d.ellipse(d.X(x), d.Y(850), d.S(coin), d.S(28), d.c1)
		d.rect(d.X(x-coin), d.Y(top), d.S(2*coin), d.S(n*edge), 0, d.c1)
		d.group(d.p.Ink, ".22")
		for k := 1; k < n; k++ {
			d.rect(d.X(x-coin), d.Y(top+k*edge), d.S(2*coin), d.S(5), 0, "")
		}
		d.end()
		d.ellipse(d.X(x), d.Y(top), d.S(coin), d.S(28), d.c2)
		d.ellipse(d.X(x), d.Y(top), d.S(coin*6/10), d.S(16), d.c1)
		tops = append(tops, d.X(x), d.Y(top-120))
	}
	d.line(d.p.Ink, d.S(16), 0, tops...)
	x, y := tops[len(tops)-2], tops[len(tops)-1]
	d.polygon(d.p.Ink, x+d.S(10), y-d.S(60), x+d.S(60), y+d.S(20), x-d.S(30), y+d.S(30))
}

func (d *drawing) visit() {
	hx, hy := d.X(d.between(-200, 200)), d.Y(d.between(400, 600))
	d.group(d.c3, ".16")
	for _, r := range [3]int{440, 310, 180} {
		d.ellipse(hx, hy, d.S(r*13/10), d.S(r), "")
	}
	d.end()
	hw := d.halfWidth()
	d.group(paper, ".7")
	d.polygon("", d.X(-hw), d.Y(640), d.X(hw), d.Y(520), d.X(hw), d.Y(560), d.X(-hw), d.Y(680))
	d.polygon("", d.X(-300), 0, d.X(-250), 0, d.X(60), d.Y(1000), d.X(10), d.Y(1000))
	d.end()
	px, py := d.X(180), d.Y(d.between(420, 520))
	d.path()
	d.to('M', d.X(-420), d.Y(820))
	d.to('C', d.X(-150), d.Y(900), d.X(-330), d.Y(400), px-d.S(180), py+d.S(40))
	d.to('S', px-d.S(60), py+d.S(20), px, py)
	d.b = append(d.b, `" fill="none" stroke="`...)
	d.b = append(d.b, d.p.Ink...)
	d.b = append(d.b, '"')
	d.attr("stroke-width", d.S(14))
	d.attr("stroke-dasharray", d.S(30))
	d.b = append(d.b, ` stroke-linecap="round"/>`...)
	d.circle(d.X(-420), d.Y(820), d.S(26), d.p.Ink)
	d.group(d.p.Ink, ".18")
	d.ellipse(px, py, d.S(60), d.S(18), "")
	d.end()
	d.polygon(d.c1, px-d.S(86), py-d.S(200), px+d.S(86), py-d.S(200), px, py)
	d.circle(px, py-d.S(230), d.S(100), d.c1)
	d.circle(px, py-d.S(230), d.S(40), paper)
}

func (d *drawing) court() {
	d.polygon(d.p.Ink, d.X(-340), d.Y(320), d.X(0), d.Y(150), d.X(340), d.Y(320))
	d.polygon(d.c1, d.X(-230), d.Y(295), d.X(0), d.Y(180), d.X(230), d.Y(295))
	d.rect(d.X(-340), d.Y(320), d.S(680), d.S(70), 0, d.p.Ink)
	d.group(d.p.Ink, ".88")
	for i := range 5 {
		x := -290 + 135*i
		d.rect(d.X(x), d.Y(405), d.S(80), d.S(20), 0, "")
		d.rect(d.X(x+12), d.Y(425), d.S(56), d.S(330), 0, "")
	}
	d.end()
	d.rect(d.X(-360), d.Y(760), d.S(720), d.S(40), 0, d.c2)
	d.rect(d.X(-400), d.Y(800), d.S(800), d.S(40), 0, d.p.Ink)
	d.rect(d.X(-440), d.Y(840), d.S(880), d.S(40), 0, d.c2)
}

func (d *drawing) horizon() {
	d.circle(d.X(d.between(-250, 250)), d.Y(d.between(380, 460)), d.S(190), d.c1)
	hw := d.halfWidth()
	bands := [4]struct{ fill, opacity string }{{d.c2, ".55"}, {d.c2, ""}, {d.c3, ""}, {d.p.Ink, ""}}
	for i, band := range bands {
		y := 560 + 110*i
		amp := 30 + 8*i
		phase := d.between(0, 300)
		d.group(band.fill, band.opacity)
		d.path()
		d.to('M', d.X(-hw-phase), d.Y(y))
		for x := -hw - phase; x < hw; x += 300 {
			d.to('Q', d.X(x+75), d.Y(y-amp), d.X(x+150), d.Y(y))
			d.to('T', d.X(x+300), d.Y(y))
		}
		d.to('V', d.h)
		d.to('H', 0)
		d.to('Z')
		d.done("")
		d.end()
	}
}

func (d *drawing) portrait() {
	d.circle(d.X(0), d.Y(480), d.S(340), d.c1)
	d.path()
	d.to('M', d.X(-330), d.Y(1000))
	d.to('C', d.X(-330), d.Y(740), d.X(-210), d.Y(610), d.X(0), d.Y(610))
	d.to('S', d.X(330), d.Y(740), d.X(330), d.Y(1000))
	d.to('Z')
	d.done(d.p.Ink)
	d.circle(d.X(0), d.Y(375), d.S(165), d.p.Ink)
	d.polygon(d.c2, d.X(-70), d.Y(614), d.X(0), d.Y(700), d.X(70), d.Y(614))
}

func (d *drawing) guide() {
	d.page(d.c1, 30, 25)
	d.page(paper, 0, 0)
	d.group(d.p.Ink, ".2")
	for i := range 5 {
		d.rect(d.X(-360), d.Y(360+70*i), d.S(280-d.between(0, 90)), d.S(18), d.S(9), "")
		d.rect(d.X(70), d.Y(360+70*i), d.S(280-d.between(0, 90)), d.S(18), d.S(9), "")
	}
	d.end()
	d.rect(d.X(-360), d.Y(300), d.S(160), d.S(28), d.S(8), d.c2)
}

// page draws the two pages of an open book, grown by grow and lowered by
// drop.
func (d *drawing) page(fill string, grow, drop int) {
	for _, s := range [2]int{-1, 1} {
		d.path()
		d.to('M', d.X(s*20), d.Y(300+drop))
		d.to('C', d.X(s*150), d.Y(250+drop), d.X(s*300), d.Y(250+drop), d.X(s*(420+grow)), d.Y(290+drop-grow))
		d.to('L', d.X(s*(420+grow)), d.Y(760+drop+grow))
		d.to('C', d.X(s*300), d.Y(720+drop+grow), d.X(s*150), d.Y(720+drop+grow), d.X(s*20), d.Y(770+drop+grow))
		d.to('Z')
		d.done(fill)
	}
}

func (d *drawing) play() {
	d.group(d.p.Ink, ".85")
	d.circle(d.X(0), d.Y(520), d.S(130), "")
	d.end()
	d.polygon(paper, d.X(-40), d.Y(450), d.X(-40), d.Y(590), d.X(75), d.Y(520))
}

// Logo describes a publisher's square logo: its monogram in a masthead
// colour.
type Logo struct {
	Name string
	Size int
	Seed uint64 // chooses the colour and the style
}

// mastheads are the logos' colours.
var mastheads = [...]string{"#1f3a5f", "#8c1c13", "#23423a", "#1b1b1b", "#3d2c4e", "#0b4f6c", "#a4432a", "#2b3a4a"}

// AppendSVG appends the logo's SVG document to b.
func (l Logo) AppendSVG(b []byte) []byte {
	rng := rand.New(rand.NewPCG(l.Seed, 0x6c6f676f))
	ink := mastheads[rng.IntN(len(mastheads))]
	c := &canvas{b: b}
	c.open(l.Size, l.Size)
	mono := Monogram(l.Name)
	size := c.S(460)
	if utf8.RuneCountInString(mono) > 1 {
		size = c.S(380)
	}
	mid := c.S(500)
	switch rng.IntN(3) {
	case 0: // a solid tile with a rule under the letters
		c.rect(0, 0, l.Size, l.Size, 0, ink)
		c.text(mid, c.S(470), size, paper, mono)
		c.rect(c.S(380), c.S(730), c.S(240), c.S(22), 0, paper)
	case 1: // letters in a frame on paper
		c.rect(0, 0, l.Size, l.Size, 0, "#f6f1e7")
		c.rect(c.S(50), c.S(50), c.S(900), c.S(900), 0, ink)
		c.rect(c.S(90), c.S(90), c.S(820), c.S(820), 0, "#f6f1e7")
		c.text(mid, mid, size, ink, mono)
	default: // a seal
		c.rect(0, 0, l.Size, l.Size, 0, "#f6f1e7")
		c.circle(mid, mid, c.S(460), ink)
		c.circle(mid, mid, c.S(410), "#f6f1e7")
		c.circle(mid, mid, c.S(385), ink)
		c.text(mid, mid, size*9/10, paper, mono)
	}
	c.close()
	return c.b
}

// Monogram returns the initials of a publisher's name: the first letters
// of its first and last words, leaving out a leading "The".
func Monogram(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 1 && strings.EqualFold(words[0], "the") {
		words = words[1:]
	}
	switch len(words) {
	case 0:
		return "?"
	case 1:
		return initial(words[0])
	}
	return initial(words[0]) + initial(words[len(words)-1])
}

func initial(w string) string {
	r, _ := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r))
}

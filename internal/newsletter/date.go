package newsletter

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"newshub/internal/model"
)

// Date is a calendar day in the site's time zone: the day whose news an
// issue holds. The zero Date means no day (no issue yet).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a day written YYYY-MM-DD. The error of one well
// written but not in the calendar says which part is out of range.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	var pe *time.ParseError
	switch {
	case err == nil:
		return DateOf(t), nil
	case errors.As(err, &pe) && strings.HasSuffix(pe.Message, "out of range"):
		return Date{}, fmt.Errorf("%q is not a date YYYY-MM-DD%s", s, pe.Message)
	}
	return Date{}, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
}

// DateOf returns the day t falls on in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String writes the day as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// AddDays returns the day n days after d (before, when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Start returns the first instant of the day in loc.
func (d Date) Start(loc *time.Location) time.Time {
	return d.at(0, loc)
}

// at returns when loc's clocks read minutes after midnight on day d: the
// first time where they go back over it, and where they skip it, as long
// after the change as it is after the last reading before (02:30 on a
// night that skips from 02:00 to 03:00 is 03:30), as cron runs a job the
// change skipped. time.Date leaves both cases to chance, and takes the
// instant before a skip west of UTC: a New York issue due at 02:30 went
// out at 01:30, and a day of Santiago whose midnight is skipped began at
// 23:00 the day before.
func (d Date) at(minutes int, loc *time.Location) time.Time {
	wall := time.Date(d.Year, d.Month, d.Day, 0, minutes, 0, 0, time.UTC)
	// The offsets in force well before and well after the reading: a
	// change of the clocks near it is between them.
	_, before := wall.Add(-48 * time.Hour).In(loc).Zone()
	_, after := wall.Add(48 * time.Hour).In(loc).Zone()
	var first time.Time
	for _, off := range []int{before, after} {
		t := wall.Add(-time.Duration(off) * time.Second)
		if sameReading(t.In(loc), wall) && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if first.IsZero() { // skipped
		first = wall.Add(-time.Duration(before) * time.Second)
	}
	return first.In(loc)
}

// sameReading reports whether t's clock reads as wall's, to the minute.
func sameReading(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute()
}

// clock returns the site's newsletter_time in minutes after midnight;
// ok is false when it is unset (or invalid, which reading the site
// reports).
func clock(cfg *model.Config) (int, bool) {
	if cfg == nil || cfg.NewsletterTime == "" {
		return 0, false
	}
	m, err := model.ParseClock(cfg.NewsletterTime)
	return m, err == nil
}

// IssueTime returns when the issue of day d is due: the day after d at the
// site's newsletter_time (midnight when unset), so an issue always holds a
// whole day. It is the issue's publishedDateTime.
func IssueTime(d Date, cfg *model.Config) time.Time {
	m, _ := clock(cfg)
	return d.AddDays(1).at(m, cfg.Location()).UTC()
}

// LastDue returns the latest day whose issue is due at now: yesterday
// (site time) once today's newsletter_time has passed, else the day before.
func LastDue(now time.Time, cfg *model.Config) Date {
	d := DateOf(now.In(cfg.Location())).AddDays(-1)
	if now.Before(IssueTime(d, cfg)) {
		d = d.AddDays(-1)
	}
	return d
}

// Due tells whether an issue should be written at now, given the day of the
// last issue written (zero when none), and for which day. It is false when
// the site sets no newsletter_time. After a pause of several days only the
// latest day is due: a digest of old news is not worth a message.
//
// The caller records the day it returns as written whether or not that day
// had news (Write returns ErrNoNews then), so a day without news is not
// tried again after every round.
func Due(now time.Time, cfg *model.Config, last Date) (Date, bool) {
	if _, ok := clock(cfg); !ok {
		return Date{}, false
	}
	d := LastDue(now, cfg)
	if !last.Before(d) {
		return Date{}, false
	}
	return d, true
}

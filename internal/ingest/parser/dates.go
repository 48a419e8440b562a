package parser

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// localizedDate is an RFC 822 date with its day and month names in the
// site's language, as feeds written by localized blog software give them
// ("Seg, 24 Set 2018 10:15:00 -0300"): an optional day name, the day, the
// month's name or abbreviation, the year, an optional time and zone.
var localizedDate = regexp.MustCompile(`^(?:[^\s\d,]+\.?,?\s+)?(\d{1,2})\.?\s+([^\s\d.,]+)\.?,?\s+(\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+(\S+))?$`)

// monthNames maps month names and their usual abbreviations in the
// languages of localized feeds (Portuguese, Spanish, French, German,
// Italian, Dutch; English too) to the month, in lower case and without
// the trailing dot of an abbreviation.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	for month, names := range [12]string{
		"jan january janeiro enero janvier janv januar jän gennaio gen januari",
		"feb february fev fevereiro febrero février févr fevr februar febbraio februari",
		"mar march março marco marzo mars märz mär mrz maart mrt",
		"apr april abr abril avril avr aprile",
		"may mai maio mayo mei maggio mag",
		"jun june junho junio juin juni giugno giu",
		"jul july julho julio juillet juil juli luglio lug",
		"aug august ago agosto août aout augustus",
		"sep sept september set setembro septiembre septembre settembre",
		"oct october out outubro oct octubre octobre okt oktober ottobre ott",
		"nov november novembro noviembre novembre",
		"dec december dez dezembro dic diciembre décembre déc dezember dicembre",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = time.Month(month + 1)
		}
	}
	return m
}()

// parseLocalizedDate reads a date feed software wrote with localized day
// and month names, which the standard layouts do not know. A zone given
// as an offset is kept; a zone abbreviation other than UTC or GMT cannot
// be told apart from another language's word and is read as UTC.
func parseLocalizedDate(s string) (time.Time, error) {
	m := localizedDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, fmt.Errorf("unrecognised date %q", s)
	}
	month, ok := monthNames[strings.ToLower(m[2])]
	if !ok {
		return time.Time{}, fmt.Errorf("unrecognised month %q in date %q", m[2], s)
	}
	clock := "00:00:00"
	if m[4] != "" {
		clock = m[4] + ":" + m[5] + ":" + cmp.Or(m[6], "00")
	}
	zone := "+0000"
	if z := m[7]; len(z) == 5 && (z[0] == '+' || z[0] == '-') {
		zone = z
	}
	return time.Parse("2 1 2006 15:04:05 -0700", fmt.Sprintf("%s %d %s %s %s", m[1], month, m[3], clock, zone))
}

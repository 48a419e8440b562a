package parser

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"newshub/internal/model"
)

// itemDate is the raw date read as parseDate reads it in the feed's
// language lang when it ends in a zone's abbreviation (see zonedDate) or
// in an offset gofeed reads as UTC ("GMT+2", "10:00:00 +01") or is not
// ASCII, else the time gofeed parsed, else the raw date read as parseDate
// reads it; zero when none reads.
func itemDate(parsed *time.Time, raw, lang string) time.Time {
	if t, ok := zonedDate(raw, lang); ok {
		return t
	}
	if zoneName.MatchString(strings.TrimSpace(raw)) {
		// Read here whatever gofeed made of it: a zone's name is no
		// zone to it. A name the database lacks gives no date.
		t, _ := parseDate(raw, lang)
		return t
	}
	if _, ok := offsetZone(strings.TrimSpace(raw)); ok {
		if t, err := parseDate(raw, lang); err == nil {
			return t
		}
	}
	if !isASCII(raw) {
		// gofeed reads no date written in another script (digits
		// included), and gives an Atom entry whose <published> it
		// cannot read its <updated> as parsed.
		if t, err := parseDate(raw, lang); err == nil {
			return t
		}
	}
	if parsed != nil {
		return parsed.UTC()
	}
	if strings.TrimSpace(raw) == "" {
		return time.Time{} // most RSS items have no updated date
	}
	if t, err := parseDate(raw, lang); err == nil {
		return t
	}
	return time.Time{}
}

// zonedDate reads a date that ends in the abbreviation of a zone ahead of
// or behind UTC ("Tue, 05 Nov 2024 10:00:00 AEDT"), which gofeed reads as
// UTC (see abbreviatedZone). ok is false for any other date.
func zonedDate(raw, lang string) (t time.Time, ok bool) {
	raw = strings.TrimSpace(raw)
	i := strings.LastIndexByte(raw, ' ')
	if i < 0 {
		return time.Time{}, false
	}
	if offset := zoneOffset(raw[i+1:], lang); offset == "" || offset == "+0000" {
		return time.Time{}, false
	}
	t, err := parseDate(raw, lang)
	return t, err == nil
}

// abbreviatedZone writes the abbreviation of a zone after a date's time
// ("10:00:00 EST", "2024-11-05 10:00:00 UTC") as its offset in a feed in
// the language lang (see zoneOffset): Go reads an abbreviation it does
// not know as UTC, which moves the time by the zone's offset, and its
// layouts read none after an ISO 8601 time. Any other s is returned as
// it is.
func abbreviatedZone(s, lang string) string {
	i := strings.TrimRightFunc(s, unicode.IsLetter)
	abbr := s[len(i):]
	offset := zoneOffset(abbr, lang)
	if abbr == "" || abbr == "Z" || offset == "" || !endsInZone.MatchString(s) {
		return s
	}
	return strings.TrimRight(i, " ") + " " + offset
}

// dateLayouts are the standard forms of a date and the variants feed
// software writes of them: a space for the "T", an offset without its
// colon or after a space, no zone at all (read as UTC), no seconds, the
// form Go prints a time in (time.Time's String, which generators written
// in Go give when they format no date), a twelve-hour clock, and the day
// first with a dot after the year, as Croatian and Serbian write a date
// in digits ("05.11.2024. 10:00", "5. 11. 2024."); and RFC 850's form, which
// HTTP still allows ("Tuesday, 05-Nov-24 10:00:00 GMT").
var dateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05 Z0700",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700", "2006-01-02 15:04:05 Z07:00", "2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02",
	time.RFC1123Z, time.RFC1123, "Monday, 02-Jan-06 15:04:05 Z0700", "2006-01-02 15:04:05 -0700 MST",
	"2006-01-02T15:04:05 Z07:00", "2006-01-02 3:04:05 PM", "2006-01-02 3:04 PM",
	"2.1.2006. 15:04:05", "2.1.2006. 15:04", "2.1.2006.", "2. 1. 2006. 15:04:05", "2. 1. 2006. 15:04", "2. 1. 2006.",
}

// zoneComment matches a comment after a date's zone, as mail software
// writes one ("+0000 (UTC)").
var zoneComment = regexp.MustCompile(`\s*\([A-Za-z ]{1,40}\)$`)

// zoneID matches the zone's ID Java writes after a ZonedDateTime's offset
// ("2024-11-05T10:00:00+01:00[Europe/Paris]"), which the offset says
// already.
var zoneID = regexp.MustCompile(`\[[A-Za-z][A-Za-z0-9/_+-]{0,40}\]$`)

// zoneName matches the name of a time zone in the tz database after a
// date, as PHP's "e" and Python's zoneinfo write it ("2026-03-01
// 10:00:00 America/New_York"), or in brackets after a Java
// ZonedDateTime's time ("[Europe/Paris]"). Only names of an area and a
// place are taken: a word alone may be a language's.
var zoneName = regexp.MustCompile(`(?:\s+|\[)([A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)\]?$`)

// endsInZone matches a time followed by its offset, or by a word that
// may be its zone's abbreviation (or "AM", "PM"), the word submatched.
var endsInZone = regexp.MustCompile(`\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d\d(?::?\d\d)?|(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d\d)?)?|([A-Za-z]{1,5}))$`)

// namedZone takes the name of a time zone off the end of s (see
// zoneName), and returns the zone its time is to be read in: nil when s
// names none, or when its time gives its offset, which says the zone
// already. An abbreviation before the name ("CET Europe/Paris") is left
// for the name, which says more. A name the tz database does not have is
// an error, not UTC.
// (The newshub binary carries the database, time/tzdata: a name is
// unknown only when it is none.)
func namedZone(s string) (_ string, loc *time.Location, err error) {
	m := zoneName.FindStringSubmatchIndex(s)
	if m == nil || strings.HasPrefix(s[m[0]:], "[") != strings.HasSuffix(s, "]") {
		return s, nil, nil
	}
	name, rest := s[m[2]:m[3]], strings.TrimSpace(s[:m[0]])
	switch z := endsInZone.FindStringSubmatch(rest); {
	case z == nil, strings.EqualFold(z[1], "AM"), strings.EqualFold(z[1], "PM"):
	case z[1] == "":
		return rest, nil, nil // an offset
	default:
		rest = strings.TrimSpace(strings.TrimSuffix(rest, z[1]))
	}
	loc, err = time.LoadLocation(name)
	if err != nil {
		return s, nil, fmt.Errorf("unrecognised date %q: time zone %q not in the time zone database", s, name)
	}
	return rest, loc, nil
}

// unknownZone returns the name of the time zone a raw date ends in when
// the tz database does not have it, "" otherwise.
func unknownZone(raw string) string {
	s := strings.TrimSpace(raw)
	if _, _, err := namedZone(s); err == nil {
		return ""
	}
	return zoneName.FindStringSubmatch(s)[1]
}

// inZone reads the time of day of t, read as UTC, as the time of day it
// is in loc.
func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UTC()
}

// ParseDate reads a date in any of the forms feeds give one: the
// standard layouts and their usual variants (dateLayouts), the other
// forms of ISO 8601 and the ways feeds bend it (see isoForms), Unix time
// in seconds or milliseconds, and dates written out with day and month
// names in English or the site's language, ordinals included ("Nov 5th,
// 2024"), any of them in another script's digits (see asciiDigits), and
// followed by their zone's name (see namedZone). The time it returns is
// in UTC.
func ParseDate(s string) (time.Time, error) {
	return parseDate(s, "")
}

// maxDateLen is the most bytes a date may have: the longest a feed gives,
// written out in another script with its zone's name, has a few dozen.
const maxDateLen = 256

// parseDate is ParseDate for a date of a feed in the language lang (as
// the feed declares it, "hr-HR"), whose month names are read as that
// language's where another's name another month by them (see
// languageMonths); "" for a feed that declares none.
func parseDate(s, lang string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		// Most items have no date of some kind: each layout tried would
		// make an error of its own.
		return time.Time{}, fmt.Errorf("unrecognised date %q", s)
	}
	if len(s) > maxDateLen {
		// Text that is no date: each form tried reads it whole.
		return time.Time{}, fmt.Errorf("unrecognised date: %d bytes, more than the %d a date may have (%s)", len(s), maxDateLen, model.Quoted(s))
	}
	if !isASCII(s) {
		var ok bool
		if s, ok = asciiDigits(s); !ok {
			return time.Time{}, fmt.Errorf("unrecognised date %q: no such day of the Solar Hijri calendar", s)
		}
		s = cjkDate(s)
	}
	if strings.HasSuffix(s, ")") {
		s = zoneComment.ReplaceAllString(s, "")
	}
	s, loc, err := namedZone(s)
	if err != nil {
		return time.Time{}, err
	}
	if strings.HasSuffix(s, "]") {
		s = zoneID.ReplaceAllString(s, "")
	}
	s = abbreviatedZone(s, lang)
	if i := strings.Index(s, " m=+"); i > 0 {
		s = s[:i] // the monotonic clock's reading Go prints after a time
	}
	s, endOfDay := isoForms(s)
	t, err := parseForms(s, lang)
	if err == nil && loc != nil && !isDigits(s) { // Unix time is UTC's whatever the name says
		t = inZone(t, loc)
	}
	if err != nil || !endOfDay {
		return t, err
	}
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return time.Time{}, fmt.Errorf("unrecognised date %q: past the end of the day", s)
	}
	return t.Add(24 * time.Hour), nil
}

// parseForms reads s in the layouts, as Unix time, or written out in the
// language lang.
func parseForms(s, lang string) (time.Time, error) {
	for _, layout := range dateLayouts {
		// (Parsing accepts fractions of a second after the seconds.)
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, ok := unixDate(s); ok {
		return t, nil
	}
	t, err := parseLocalizedDate(s, lang)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// isoForms rewrites what Go's layouts do not read in the forms the
// layouts do: ISO 8601's basic format ("20241105T100000Z"), slashes for
// its dashes ("2024/11/05", after a day name too, see dropDayName), a
// year and month alone ("2024-11", the month's first day, as W3C-DTF
// allows), two-digit years (see shortYear), one-digit minutes or seconds
// ("12:35:9"), an offset in hours or from GMT or UTC ("+01", "GMT+2", see
// offsetZone). The end of a day, "24:00:00", is written as its start:
// endOfDay says the time is a day later. Each rewrite is tried only where
// a byte or two of s says it may apply: most dates need none.
func isoForms(s string) (_ string, endOfDay bool) {
	if len(s) > 0 && s[0] >= 'A' {
		s = dropDayName(s)
	}
	switch {
	case len(s) >= 15 && s[8] == 'T' && isDigits(s[:8]) && isDigits(s[9:15]):
		s = s[:4] + "-" + s[4:6] + "-" + s[6:8] + "T" + s[9:11] + ":" + s[11:13] + ":" + s[13:]
	case len(s) >= 10 && s[4] == '/' && s[7] == '/' && isDigits(s[:4]):
		s = s[:4] + "-" + s[5:7] + "-" + s[8:]
	case len(s) == 7 && s[4] == '-' && isDigits(s[:4]) && isDigits(s[5:]):
		s += "-01"
	case len(s) == 6 || len(s) >= 8 && s[2] == '-':
		s = shortYear(s)
	}
	for i := strings.IndexByte(s, ':'); i >= 0 && i+1 < len(s); {
		if isDigit(s[i+1]) && (i+2 == len(s) || !isDigit(s[i+2])) {
			s = s[:i+1] + "0" + s[i+1:]
		}
		j := strings.IndexByte(s[i+1:], ':')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if z, ok := offsetZone(s); ok {
		s = z
	}
	if i := strings.Index(s, "24:00"); i > 0 && (s[i-1] == 'T' || s[i-1] == ' ') {
		s, endOfDay = s[:i]+"00"+s[i+2:], true
	}
	return s, endOfDay
}

// dropDayName drops the day's name before a date written in digits, year
// first, as Perforce's feeds write one ("Fri, 2006/09/15 08:19:53 EDT");
// any other s is returned as it is.
func dropDayName(s string) string {
	name, rest, ok := strings.Cut(s, " ")
	rest = strings.TrimLeft(rest, " ")
	name = strings.TrimSuffix(name, ",")
	if !ok || len(name) < 3 || len(name) > 9 || len(rest) < 5 || !isDigits(rest[:4]) || rest[4] != '/' && rest[4] != '-' {
		return s
	}
	for i := 0; i < len(name); i++ {
		if c := name[i] | 0x20; c < 'a' || c > 'z' {
			return s
		}
	}
	return rest
}

// shortYear writes a date of ISO 8601:1988 with a two-digit year, in its
// extended ("03-12-31", a time may follow) or basic ("031231") format,
// with four: years from 69 are of the 1900s, as Go reads two-digit years.
// Any other s is returned as it is.
func shortYear(s string) string {
	switch {
	case len(s) == 6 && isDigits(s):
		s = s[:2] + "-" + s[2:4] + "-" + s[4:]
	case len(s) >= 8 && s[2] == '-' && s[5] == '-' && isDigits(s[:2]) && isDigits(s[3:5]) && isDigits(s[6:8]) &&
		(len(s) == 8 || s[8] == 'T' || s[8] == ' '):
	default:
		return s
	}
	if s[0] >= '7' || s[:2] == "69" {
		return "19" + s
	}
	return "20" + s
}

// offsetZone rewrites a date whose zone is an offset Go reads as UTC or
// not at all, an offset from GMT or UTC ("GMT+2", "UTC+01:00", "UTC-0500")
// or one after a time in hours only ("10:00:00+01", "10:00:00 -05") or
// with a one-digit hour ("22:52:30+5:30", as Indian publishers' feeds
// write India's), with the offset as "+hhmm"; ok is false for any other
// date.
func offsetZone(s string) (_ string, ok bool) {
	i := strings.LastIndexAny(s, "+-")
	if i < 1 {
		return s, false
	}
	h, m, ok := zoneClock(s[i+1:])
	if !ok {
		return s, false
	}
	head := s[:i]
	hours, _, _ := strings.Cut(s[i+1:], ":")
	switch {
	case strings.HasSuffix(head, "GMT") || strings.HasSuffix(head, "UTC"):
		head = head[:len(head)-3]
	case (len(s)-i == 3 || len(hours) == 1) && afterTime(head): // "+01", "+5:30"
	default:
		return s, false
	}
	return fmt.Sprintf("%s%c%02d%02d", head, s[i], h, m), true
}

// zoneClock reads the hours and minutes of an offset written "2", "02",
// "0200" or "02:00".
func zoneClock(z string) (h, m int, ok bool) {
	hh, mm, colon := strings.Cut(z, ":")
	if !colon && len(z) == 4 {
		hh, mm = z[:2], z[2:]
	}
	if len(hh) < 1 || len(hh) > 2 || !isDigits(hh) || (mm != "" || colon) && (len(mm) != 2 || !isDigits(mm)) {
		return 0, 0, false
	}
	h, _ = strconv.Atoi(hh)
	m, _ = strconv.Atoi(cmp.Or(mm, "0"))
	return h, m, h <= 14 && m < 60
}

// afterTime reports whether s ends in a time of day ("10:00:00",
// "10:00:00.250", "10:00 "), as what follows a date's time is its zone.
func afterTime(s string) bool {
	s = strings.TrimSuffix(s, " ")
	c := strings.LastIndexByte(s, ':')
	return c > 0 && c < len(s)-1 && strings.Trim(s[c+1:], "0123456789.") == ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// unixDate reads Unix time: 9 or 10 digits are seconds (1973 to 2286), 12
// or 13 milliseconds (the same years); any other number is none.
func unixDate(s string) (time.Time, bool) {
	if len(s) < 9 || len(s) > 13 || len(s) == 11 {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || s[0] == '+' {
		return time.Time{}, false
	}
	if len(s) >= 12 {
		return time.UnixMilli(n).UTC(), true
	}
	return time.Unix(n, 0).UTC(), true
}

// clock is an optional time of day in a written-out date, after the word
// for "at" of some languages (Croatian, Bosnian and Serbian's "u",
// Slovenian's "ob", Polish and Slovak's "o", Czech's "v" among them), with
// an optional AM or PM, and an optional zone after it.
const clock = `(?:,?\s+(?:at\s+|um\s+|à\s+|a\s+las\s+|alle\s+|klo\s+|u\s+|ob\s+|o\s+|v\s+)?(\d{1,2})[:.h](\d{2})(?:[:.](\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?(?:\s+(\S+))?$`

// localizedDate is an RFC 822 date with its day and month names in the
// site's language, as feeds written by localized blog software give them
// ("Seg, 24 Set 2018 10:15:00 -0300"): an optional day name, the day, the
// month's name or abbreviation, the year (with the dot Croatian and
// Serbian write after it, "5. listopada 2025."; or in two digits, as RFC
// 822 writes it, "05 Nov 24 10:00 GMT", which Go's layouts do not read
// without the seconds), an optional time and zone.
var localizedDate = regexp.MustCompile(`^(?:[^\s\d,]+\.?,?\s+)?(\d{1,2})\.?\s+([^\s\d.,]+)\.?,?\s+(\d{4}|\d{2})\.?` + clock)

// monthFirstDate is a date written month first, as English prose writes
// one ("Tuesday, November 5, 2024 10:00 AM", "Nov 5, 2024").
var monthFirstDate = regexp.MustCompile(`^(?:[^\s\d,]+,?\s+)?([^\s\d.,]+)\.?\s+(\d{1,2}),?\s+(\d{4})` + clock)

// gluedOffset matches an offset written right after a time, with no
// space ("22:52:30+0530"), which a written-out date's zone is read after.
var gluedOffset = regexp.MustCompile(`(\d:\d\d)([+-]\d)`)

// ordinal matches a day written as an English ordinal ("5th").
var ordinal = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)\b`)

// monthNames maps month names and their usual abbreviations in the
// languages of localized feeds (Portuguese, Spanish, French, German,
// Italian, Dutch, Russian and Greek, in their nominative and genitive
// forms, Greek's with and without its accents; English too) to the month,
// in lower case and without the trailing dot of an abbreviation; and, on
// each month's second line, those of Finnish and Hungarian (which
// SimplePie reads), Polish, Czech, Croatian (but for the names it shares
// with them for another month, see languageMonths), Serbian (in both its
// scripts), Bosnian and Montenegrin, Slovenian, Slovak, Ukrainian, Turkish
// (also in ASCII's letters, as "ARALIK" lowers to), Indonesian, the
// Scandinavian languages' own, Hindi (February's nukta composed or not)
// and Arabic (the Egyptian, Maghreb and Levantine names) as their news
// sites write RFC 822's dates.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	for month, names := range [12]string{
		"jan january janeiro enero janvier janv januar jän gennaio gen januari янв январь января ιαν ιανουαρίου ιανουάριος " +
			"tammikuu tammikuuta tammi január styczeń stycznia sty leden ledna led sij siječanj siječnja januara јануар јануара januarja januára січень січня січ ocak oca जनवरी يناير جانفي",
		"feb february fev fevereiro febrero février févr fevr februar febbraio februari фев февраль февраля φεβ φεβρουαρίου φεβρουάριος " +
			"helmikuu helmikuuta helmi február febr luty lutego lut únor února úno velj veljača veljače februara фебруар фебруара februarja februára лютий лютого лют şubat subat şub pebruari peb फ़रवरी फ़रवरी फरवरी فبراير فيفري شباط",
		"mar march março marco marzo mars märz mär mrz maart mrt март марта μάρ μαρ μαρτίου μάρτιος " +
			"maaliskuu maaliskuuta maalis március márc marzec marca březen března bře ožu ožujak ožujka marta marec березень березня бер mart maret marts मार्च مارس آذار",
		"apr april abr abril avril avr aprile апр апрель апреля απρ απριλίου απρίλιος " +
			"huhtikuu huhtikuuta huhti április ápr kwiecień kwietnia kwi duben dubna dub tra travanj travnja aprila април априла apríl apríla квітень квітня кві nisan nis अप्रैल أبريل ابريل إبريل أفريل نيسان",
		"may mai maio mayo mei maggio mag май мая μάι μαϊ μαι μαΐ μαΐου μάιος " +
			"toukokuu toukokuuta touko május máj maj maja květen května kvě svi svibanj svibnja мај маја mája травень травня тра mayıs mayis मई مايو ماي أيار",
		"jun june junho junio juin juni giugno giu июн июнь июня ιούν ιουν ιον ιουνίου ιούνιος " +
			"kesäkuu kesäkuuta kesä június jún czerwiec czerwca cze červen června čvn lipanj lipnja juna јун јуна junij junija júna червень червня чер haziran haz जून يونيو جوان حزيران",
		"jul july julho julio juillet juil juli luglio lug июл июль июля ιούλ ιουλ ιολ ιουλίου ιούλιος " +
			"heinäkuu heinäkuuta heinä július júl lipiec lipca lip červenec července čvc srpanj srpnja jula јул јула julij julija júla липень липня лип temmuz tem जुलाई يوليو جويلية تموز",
		"aug august ago agosto août aout augustus авг август августа αύγ αυγ αυγούστου αύγουστος " +
			"elokuu elokuuta elo augusztus augusti sierpień sierpnia sie srpen srpna srp kolovoz kolovoza kol avg avgust avgusta augusta серпень серпня сер ağustos agustos ağu agustus agt अगस्त أغسطس اغسطس أوت آب",
		"sep sept september set setembro septiembre setiembre septembre settembre сен сент сентябрь сентября σεπ σεπτεμβρίου σεπτέμβριος " +
			"syyskuu syyskuuta syys szeptember szept wrzesień września wrz září zář rujan rujna ruj septembar septembra септембар септембра вересень вересня вер eylül eylul eyl सितंबर सितम्बर سبتمبر أيلول",
		"oct october out outubro oct octubre octobre okt oktober ottobre ott окт октябрь октября οκτ οκτωβρίου οκτώβριος " +
			"lokakuu lokakuuta loka október październik października paź říjen října říj oktobar oktobra октобар октобра októbra жовтень жовтня жов ekim eki अक्टूबर अक्तूबर أكتوبر اكتوبر",
		"nov november novembro noviembre novembre ноя нояб ноябрь ноября νοέ νοε νοεμβρίου νοέμβριος " +
			"marraskuu marraskuuta marras listopad listopada listopadu lis studeni studenoga studenog stu novembar novembra новембар новембра листопад листопада лис kasım kasim kas nopember nop नवंबर नवम्बर نوفمبر",
		"dec december dez dezembro dic diciembre décembre déc dezember dicembre дек декабрь декабря δεκ δεκεμβρίου δεκέμβριος " +
			"joulukuu joulukuuta joulu grudzień grudnia gru prosinec prosince pro prosinac prosinca decembar decembra децембар децембра грудень грудня гру aralık aralik ara desember des दिसंबर दिसम्बर ديسمبر",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = time.Month(month + 1)
		}
	}
	return m
}()

// languageMonths are, by language, the month names it writes that
// monthNames reads as another language's, for another month: Croatian's
// "lis" and "listopad" are October, Polish and Czech's November, its "lip"
// June (Polish's July), its "srp" July (Czech's August). They are read so
// in a feed declaring the language only: in any other, they stay the
// other language's. Bosnian (whose standard has Croatian's names beside
// "januar"), Montenegrin, Serbian and the Serbo-Croatian tag some sites
// still give write them as Croatian does, under their two- and
// three-letter codes, and name no other month by them.
var languageMonths = func() map[string]map[string]time.Month {
	croatian := map[string]time.Month{"lip": time.June, "srp": time.July, "lis": time.October, "listopad": time.October, "listopada": time.October}
	m := map[string]map[string]time.Month{}
	for _, lang := range []string{"hr", "hrv", "bs", "bos", "cnr", "sr", "srp", "sh", "hbs"} {
		m[lang] = croatian
	}
	return m
}()

// languageRegion splits a language tag into its language, in lower case,
// and its region, in upper case, "" when it names none ("en" and "IN" of
// "en-IN" or "EN_in", "zh" and "TW" of "zh-Hant-TW").
func languageRegion(tag string) (lang, region string) {
	subtags := strings.FieldsFunc(strings.TrimSpace(tag), func(r rune) bool { return r == '-' || r == '_' })
	if len(subtags) == 0 {
		return "", ""
	}
	for _, s := range subtags[1:] {
		if len(s) == 2 {
			return strings.ToLower(subtags[0]), strings.ToUpper(s)
		}
	}
	return strings.ToLower(subtags[0]), ""
}

// zoneOffset is the offset of the zone abbreviated abbr in a feed in the
// language lang: an abbreviation of more than one zone (see
// ambiguousZones) is the zone of the feed's region, or of its language
// when the feed names no region; else as zoneOffsets reads it. "" when
// abbr is no zone's the feed settles.
func zoneOffset(abbr, lang string) string {
	if readings, ok := ambiguousZones[abbr]; ok && lang != "" {
		primary, region := languageRegion(lang)
		for _, z := range readings {
			if region != "" && slices.Contains(z.regions, region) || region == "" && slices.Contains(z.languages, primary) {
				return z.offset
			}
		}
	}
	return zoneOffsets[abbr]
}

// zoneReading is a zone an ambiguous abbreviation stands for, and the
// regions and languages whose feeds mean it by the abbreviation.
type zoneReading struct {
	offset             string
	regions, languages []string
}

// ambiguousZones are the abbreviations that stand for more than one
// zone, and the zones a feed's region or language reads them as: "IST"
// is India's, Ireland's or Israel's; "CST" China's (or, as zoneOffsets
// reads it, North America's Central); "BST" Bangladesh's (or British
// Summer Time). A feed whose language settles none reads "IST" as UTC,
// and the feed's note says so (see unsettledZone).
var ambiguousZones = map[string][]zoneReading{
	"IST": {
		{"+0530", []string{"IN"}, []string{"hi", "bn", "ta", "te", "mr", "gu", "kn", "ml", "pa", "or", "as"}},
		{"+0100", []string{"IE"}, []string{"ga"}},
		{"+0200", []string{"IL"}, []string{"he", "iw"}},
	},
	"CST": {{"+0800", []string{"CN", "TW", "HK", "MO"}, []string{"zh"}}},
	"BST": {{"+0600", []string{"BD"}, []string{"bn"}}},
}

// unsettledZone returns the abbreviation a raw date ends in when it
// stands for more than one zone and the feed's language lang settles
// none (see ambiguousZones), "" otherwise.
func unsettledZone(raw, lang string) string {
	raw = strings.TrimSpace(raw)
	abbr := raw[len(strings.TrimRightFunc(raw, unicode.IsLetter)):]
	if _, ok := ambiguousZones[abbr]; !ok || zoneOffset(abbr, lang) != "" || !endsInZone.MatchString(raw) {
		return ""
	}
	return abbr
}

// zoneOffsets are the zone abbreviations RFC 822 names, North America's
// generic ones ("PT", read as standard time, as lenient readers read
// them), those of Europe (Central Europe's in English, as Middle Europe's
// too, and German), and those of other zones feeds name theirs by that
// stand for one offset only, by their offset. "CST" and "BST" are read
// here as RFC 822 and Britain read them, unless the feed's language says
// otherwise (see ambiguousZones).
var zoneOffsets = map[string]string{
	"UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"AT": "-0400", "ET": "-0500", "CT": "-0600", "MT": "-0700", "PT": "-0800",
	"AKST": "-0900", "AKDT": "-0800", "HST": "-1000", "NST": "-0330", "NDT": "-0230",
	"WET": "+0000", "WEST": "+0100", "BST": "+0100", "EET": "+0200", "EEST": "+0300",
	"CET": "+0100", "CEST": "+0200", "MET": "+0100", "MEST": "+0200", "MEZ": "+0100", "MESZ": "+0200", "MSK": "+0300",
	"SAST": "+0200", "EAT": "+0300", "WAT": "+0100", "PKT": "+0500", "WIB": "+0700",
	"HKT": "+0800", "SGT": "+0800", "PHT": "+0800", "AWST": "+0800", "JST": "+0900", "KST": "+0900",
	"ACST": "+0930", "ACDT": "+1030", "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300",
	"BRT": "-0300", "ART": "-0300",
}

// parseLocalizedDate reads a date written out with day and month names,
// English or localized (in the feed's language lang where its names are
// another language's for another month, see languageMonths), which the
// standard layouts do not know. A zone given as an offset, or as an
// abbreviation of zoneOffsets, is kept; any other abbreviation cannot be
// told apart from another language's word and is read as UTC.
func parseLocalizedDate(s, lang string) (time.Time, error) {
	s = ordinal.ReplaceAllString(strings.TrimSpace(s), "$1")
	s = gluedOffset.ReplaceAllString(s, "$1 $2")
	var day, name string
	m := localizedDate.FindStringSubmatch(s)
	if m != nil {
		day, name = m[1], m[2]
	} else if m = monthFirstDate.FindStringSubmatch(s); m != nil {
		day, name = m[2], m[1]
	} else {
		return time.Time{}, fmt.Errorf("unrecognised date %q", s)
	}
	primary, _ := languageRegion(lang)
	month, ok := languageMonths[primary][strings.ToLower(name)]
	if !ok {
		month, ok = monthNames[strings.ToLower(name)]
	}
	if !ok {
		return time.Time{}, fmt.Errorf("unrecognised month %q in date %q", name, s)
	}
	hms := "00:00:00"
	if m[4] != "" {
		h, _ := strconv.Atoi(m[4])
		switch strings.ToLower(m[7]) {
		case "a":
			if h == 12 {
				h = 0
			}
		case "p":
			if h < 12 {
				h += 12
			}
		}
		hms = fmt.Sprintf("%02d:%s:%s", h, m[5], cmp.Or(m[6], "00"))
	}
	zone := "+0000"
	switch z := strings.Replace(m[8], ":", "", 1); {
	case len(z) == 5 && (z[0] == '+' || z[0] == '-'):
		zone = z
	case zoneOffset(strings.ToUpper(z), lang) != "":
		zone = zoneOffset(strings.ToUpper(z), lang)
	}
	year := m[3]
	if len(year) == 2 {
		century := "20"
		if year >= "69" { // as Go, and shortYear, read two-digit years
			century = "19"
		}
		year = century + year
	}
	return time.Parse("2 1 2006 15:04:05 -0700", fmt.Sprintf("%s %d %s %s %s", day, month, year, hms, zone))
}

// asciiDigits writes the decimal digits of other scripts in s as ASCII
// ones ("۲۰۲۴" as "2024"), as feedparser reads them (Python's int does).
// A date written year first in Persian digits and in a year of the Solar
// Hijri calendar ("۱۴۰۳-۰۸-۱۵"), as Iranian WordPress sites' date plugins
// write an Atom entry's <published>, is written as the Gregorian date it
// is: read as it stands, its year (1403) is six centuries early. ok is
// false for a Solar Hijri date of a day the calendar does not have.
func asciiDigits(s string) (_ string, ok bool) {
	persian := false
	s = strings.Map(func(r rune) rune {
		if r < 0x80 || !unicode.IsDigit(r) {
			return r
		}
		persian = persian || 0x06f0 <= r && r <= 0x06f9
		return '0' + digitValue(r)
	}, s)
	if persian {
		return jalaliToGregorian(s)
	}
	return s, true
}

// digitValue is the value of a decimal digit of any script: Unicode gives
// each script's ten digits in a run of their own, from zero up.
func digitValue(r rune) rune {
	n := rune(0)
	for unicode.IsDigit(r - n - 1) {
		n++
	}
	return n % 10
}

// jalaliDate is a Solar Hijri date written year first, with dashes or
// slashes.
var jalaliDate = regexp.MustCompile(`^(1[2-5]\d\d)[-/](\d\d?)[-/](\d\d?)`)

// jalaliToGregorian rewrites a date that starts with a Solar Hijri one
// (see jalaliDate) with the Gregorian date of the same day, by the
// calendar's 33-year cycle of leap years as Iranian software computes it;
// any other s is returned as it is. ok is false when the day is not one
// of its month's (the 31st of a month of 30, the 30th of the last month
// of a common year): counted on, it would be read as another day.
func jalaliToGregorian(s string) (_ string, ok bool) {
	m := jalaliDate.FindStringSubmatch(s)
	if m == nil {
		return s, true
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if mo < 1 || mo > 12 || d < 1 || d > jalaliMonthDays(y, mo) {
		return s, false
	}
	days := d
	if mo <= 6 {
		days += (mo - 1) * 31 // the first six months have 31 days,
	} else {
		days += 186 + (mo-7)*30 // the next five 30
	}
	g := time.Date(2024, time.March, 20, 0, 0, 0, 0, time.UTC) // 1 Farvardin 1403
	g = g.AddDate(0, 0, jalaliDays(y, days)-jalaliDays(1403, 1))
	return g.Format("2006-01-02") + s[len(m[0]):], true
}

// jalaliMonthDays is the number of days of a month of a Solar Hijri year:
// 31 in the first six, 30 in the next five, and in the last what is left
// of the year's 365 or 366.
func jalaliMonthDays(year, month int) int {
	switch {
	case month <= 6:
		return 31
	case month <= 11:
		return 30
	}
	return jalaliDays(year+1, 1) - jalaliDays(year, 1) - 336
}

// jalaliDays counts the days to a day of a Solar Hijri year from a fixed
// day long before: eight leap years in every 33, as the jdf functions
// Iranian PHP software uses count them.
func jalaliDays(year, dayOfYear int) int {
	y := year + 1595
	return 365*y + y/33*8 + (y%33+3)/4 + dayOfYear
}

// cjkYearMonthDay is a date as Chinese, Japanese and Korean write it
// ("2024年11月05日", "2024년 11월 5일"), with the day of the week that may
// follow it ("(火)", "星期二", "(화)").
var cjkYearMonthDay = regexp.MustCompile(`^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]\s*(?:[(（][^)）]{1,4}[)）]|星期.|周.|.曜日)?`)

// meridiem is a time after the word for morning or afternoon, which
// Chinese, Japanese and Korean write before it ("오후 3:30:00").
var meridiem = regexp.MustCompile(`(오전|오후|上午|下午|午前|午後)\s*(\d{1,2}:\d\d(?::\d\d)?)`)

// cjkDate rewrites a date written as Chinese, Japanese and Korean sites
// write their feeds' ("2024年11月05日 10:00", "2024-11-04 오후 3:30:00") in
// the forms dateLayouts read ("2024-11-05 10:00", "2024-11-04 3:30:00
// PM"); any other s is returned as it is.
func cjkDate(s string) string {
	if m := cjkYearMonthDay.FindStringSubmatch(s); m != nil {
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		s = strings.TrimSpace(fmt.Sprintf("%s-%02d-%02d %s", m[1], mo, d, strings.TrimSpace(s[len(m[0]):])))
	}
	return meridiem.ReplaceAllStringFunc(s, func(t string) string {
		m := meridiem.FindStringSubmatch(t)
		switch m[1] {
		case "오전", "上午", "午前":
			return m[2] + " AM"
		}
		return m[2] + " PM"
	})
}

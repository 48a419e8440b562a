package parser

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseLocalizedDateReadsDayAndMonthNames(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" when it must not read
	}{
		{"Seg, 24 Set 2018 10:15:00 -0300", "2018-09-24T13:15:00Z"},              // Portuguese
		{"Mar, 02 Oct 2018 08:00:00 +0200", "2018-10-02T06:00:00Z"},              // Spanish: "Mar" is Tuesday here
		{"mer., 06 déc. 2023 09:00:00 +0100", "2023-12-06T08:00:00Z"},            // French, abbreviations with dots
		{"Di, 05 Dez 2023 14:30:00 +0100", "2023-12-05T13:30:00Z"},               // German
		{"Gio, 7 Dic 2023 7:05 +0100", "2023-12-07T06:05:00Z"},                   // Italian, one-digit day and hour, no seconds
		{"vr, 12 mei 2023 18:00:00 GMT", "2023-05-12T18:00:00Z"},                 // Dutch
		{"24 de setembro de 2018", ""},                                           // prose, not a feed date
		{"Segunda-feira, 24 Setembro 2018 10:15:00 BRT", "2018-09-24T13:15:00Z"}, // Brasília's zone by its abbreviation
		{"Segunda-feira, 24 Setembro 2018 10:15:00 IST", "2018-09-24T10:15:00Z"}, // an ambiguous abbreviation reads as UTC
		{"24 Foo 2018 10:15:00 +0000", ""},
		{"", ""},
		{"32 Jan 2018", ""},
		{"Вт, 05 ноября 2024 08:15:00 +0300", "2024-11-05T05:15:00Z"},        // Russian, genitive month
		{"вторник, 5 ноября 2024 12:40 MSK", "2024-11-05T09:40:00Z"},         // Russian, a zone by its abbreviation
		{"4 нояб. 2024", "2024-11-04T00:00:00Z"},                             // Russian abbreviation
		{"martes, 5 de noviembre 2024", ""},                                  // "de": prose
		{"martedì, 5 novembre 2024 10:00:00 +01:00", "2024-11-05T09:00:00Z"}, // Italian, offset with a colon
		{"dinsdag 5 november 2024 10:00", "2024-11-05T10:00:00Z"},            // Dutch
		{"Di, 05 Nov 2024 10:00:00 MEZ", "2024-11-05T09:00:00Z"},             // German zone name
		{"Nov 3rd, 2024", "2024-11-03T00:00:00Z"},                            // ordinal, month first
		{"Saturday, November 2nd, 2024 5:30 PM EDT", "2024-11-02T21:30:00Z"}, // month first, 12-hour clock
		{"1st December 2024 12:05 am", "2024-12-01T00:05:00Z"},               // ordinal, day first
		{"Foo 3rd, 2024", ""},
		{"Salı, 05 Kasım 2024 10:00:00 +0300", "2024-11-05T07:00:00Z"},      // Turkish
		{"Pzt, 02 ARA 2024 09:15:00 +0300", "2024-12-02T06:15:00Z"},         //
		{"Cmt, 05 EKİM 2024 10:00", "2024-10-05T10:00:00Z"},                 //
		{"wt., 05 lis 2024 10:00:00 +0100", "2024-11-05T09:00:00Z"},         // Polish
		{"5 listopada 2024 10:00", "2024-11-05T10:00:00Z"},                  //
		{"út 5. listopadu 2024 10:00", "2024-11-05T10:00:00Z"},              // Czech
		{"Вт, 05 лис 2024 10:00:00 +0200", "2024-11-05T08:00:00Z"},          // Ukrainian
		{"5 листопада 2024, 10:00", "2024-11-05T10:00:00Z"},                 //
		{"ti, 05 marras 2024 10:00:00 +0200", "2024-11-05T08:00:00Z"},       // Finnish
		{"5. marraskuuta 2024 klo 10.00", "2024-11-05T10:00:00Z"},           //
		{"szombat, 05 október 2024 10:00:00 +0200", "2024-10-05T08:00:00Z"}, // Hungarian
		{"uto, 05 nov 2024 10:00:00 +0100", "2024-11-05T09:00:00Z"},         // Serbian, Bosnian, Montenegrin
		{"5. novembar 2024. 10:00", "2024-11-05T10:00:00Z"},                 //
		{"05. avgusta 2024. 10:00", "2024-08-05T10:00:00Z"},                 //
		{"12. septembra 2024.", "2024-09-12T00:00:00Z"},                     //
		{"1. oktobar 2024.", "2024-10-01T00:00:00Z"},                        //
		{"24. decembra 2024.", "2024-12-24T00:00:00Z"},                      //
		{"5. марта 2024.", "2024-03-05T00:00:00Z"},                          // Serbian in Cyrillic
		{"5. новембар 2024. 10:00", "2024-11-05T10:00:00Z"},                 //
		{"20. јула 2024.", "2024-07-20T00:00:00Z"},                          //
		{"5. studenoga 2024. u 10:00", "2024-11-05T10:00:00Z"},              // Croatian, "u" before the time
		{"5. novembra 2024. u 10:00", "2024-11-05T10:00:00Z"},               // Serbian
		{"5. novembra 2024 ob 10.00", "2024-11-05T10:00:00Z"},               // Slovenian, "ob"
		{"5. novembra 2024 o 10:00", "2024-11-05T10:00:00Z"},                // Slovak, "o"
		{"5. listopadu 2024 v 10:00", "2024-11-05T10:00:00Z"},               // Czech, "v"
		{"5. junija 2024", "2024-06-05T00:00:00Z"},                          // Slovenian
		{"15. marec 2024", "2024-03-15T00:00:00Z"},                          //
		{"1. julij 2024", "2024-07-01T00:00:00Z"},                           //
		{"5. októbra 2024 10:00", "2024-10-05T10:00:00Z"},                   // Slovak
		{"5. júla 2024", "2024-07-05T00:00:00Z"},                            //
		{"31. augusta 2024", "2024-08-31T00:00:00Z"},                        //
		{"Kamis, 05 Desember 2024 10:00:00 +0700", "2024-12-05T03:00:00Z"},  // Indonesian
		{"tor, 05 desember 2024 10:00:00 +0100", "2024-12-05T09:00:00Z"},    // Norwegian
		{"tis, 05 augusti 2024 10:00:00 +0200", "2024-08-05T08:00:00Z"},     // Swedish
		{"मंगलवार, 05 नवंबर 2024 10:00:00 +0530", "2024-11-05T04:30:00Z"},   // Hindi
		{"الثلاثاء، 05 نوفمبر 2024 10:00:00 +0300", "2024-11-05T07:00:00Z"}, // Arabic
		{"الثلاثاء 5 تموز 2024", "2024-07-05T00:00:00Z"},                    // its Levantine names
		{"الثلاثاء 5 تشرين الثاني 2024", ""},                                // two words: not read
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseLocalizedDate(tt.in, "")
			if tt.want == "" {
				if err == nil {
					t.Fatalf("read as %s; want an error", got.UTC().Format(time.RFC3339))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.UTC().Format(time.RFC3339); s != tt.want {
				t.Fatalf("got %s, want %s", s, tt.want)
			}
		})
	}
}

func TestParseReadsLocalizedItemDates(t *testing.T) {
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Notícias</title><link>https://br.example.com/</link><description>x</description>
<item><title>Eleição municipal</title><link>https://br.example.com/a1</link><pubDate>Seg, 24 Set 2018 10:15:00 -0300</pubDate></item>
<item><title>Sem data</title><link>https://br.example.com/a2</link><pubDate>amanhã</pubDate></item>
</channel></rss>`
	f, err := Parse([]byte(feed), "", "https://br.example.com/feed")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Items[0].Published.Format(time.RFC3339); got != "2018-09-24T13:15:00Z" {
		t.Errorf("localized date read as %s", got)
	}
	if !f.Items[1].Published.IsZero() {
		t.Errorf("a date that does not read gave %s", f.Items[1].Published)
	}
	if !strings.Contains(f.Items[0].Title, "Eleição") {
		t.Errorf("title %q", f.Items[0].Title)
	}
}

// A feed declaring Croatian, or Bosnian, which writes its names too, has
// its month names read as Croatian, where Polish and Czech name another
// month by some of them ("lis" is October in Croatian, November in
// Polish); a feed in any other language keeps
// reading them as before. A date that does not read is none, not a wrong
// month.
func TestParseReadsCroatianMonthsInACroatianFeed(t *testing.T) {
	tests := []struct {
		fixture, feedURL string
		want             map[string]string // title: Published in RFC 3339, UTC; "" for none
	}{
		{"hr-dates.xml", "https://otok.example.hr/feed", map[string]string{
			"Trajektna linija ukinuta": "2025-10-08T08:00:00Z",
			"Novi dom zdravlja":        "2025-06-02T07:30:00Z",
			"Ljetni festival":          "2025-07-17T18:00:00Z",
			"Proračun za iduću godinu": "2025-12-09T11:00:00Z",
			"Zimska regata":            "2025-01-13T10:00:00Z",
			"Sajam maslinova ulja":     "2025-02-14T09:00:00Z",
			"Obnova rive":              "2025-03-15T07:00:00Z",
			"Uskrsni koncert":          "2025-04-20T17:00:00Z",
			"Otvorena plaža":           "2025-05-21T08:00:00Z",
			"Rekordna sezona":          "2025-08-25T08:00:00Z",
			"Berba grožđa":             "2025-09-16T05:00:00Z",
			"Nova školska zgrada":      "2025-11-06T09:00:00Z",
			"Godišnja skupština":       "2025-10-05T18:00:00Z",
			"Dan otoka":                "2025-07-04T10:00:00Z",
			"Bez datuma":               "",
		}},
		{"bs-dates.xml", "https://dolina.example.ba/feed", map[string]string{
			"Novi most preko rijeke": "2025-10-08T08:00:00Z",
			"Otvoren vrtić":          "2025-06-02T07:30:00Z",
			"Ljetna smotra folklora": "2025-07-17T20:00:00Z",
			"Sjednica vijeća":        "2025-10-05T18:00:00Z",
		}},
		{"hr-dates.atom", "https://grad.example.hr/feed", map[string]string{
			"Nova biciklistička staza": "2025-10-09T08:00:00Z",
		}},
		// The language declared where gofeed does not look: on an RSS
		// document's root, on an Atom feed's entries.
		{"hr-xmllang.xml", "https://jadran.example.hr/feed", map[string]string{
			"Nova trajektna luka": "2025-10-08T08:00:00Z",
			"Ljetno kino":         "2025-07-17T19:00:00Z",
		}},
		{"hr-entrylang.atom", "https://portal.example.hr/feed", map[string]string{
			"Obnovljen park": "2025-10-09T08:00:00Z",
			"Otvoren bazen":  "2025-06-02T07:00:00Z",
		}},
		{"hr-dates.json", "https://glasnik.example.hr/feed.json", map[string]string{
			"Nova lučica":     "2025-10-08T08:00:00Z",
			"Koncert na rivi": "2025-06-02T18:00:00Z",
		}},
		{"hr-itemlang.json", "https://notes.example.com/feed.json", map[string]string{
			"Nova luka u Puli":      "2025-10-08T08:00:00Z", // the item's language, not the feed's
			"A new harbour in Pula": "2025-10-08T08:00:00Z",
		}},
		{"pl-dates.xml", "https://pomorze.example.pl/feed", map[string]string{
			"Nowy most":      "2025-11-05T09:00:00Z",
			"Festiwal szant": "2025-07-03T08:00:00Z",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			f := parseFixture(t, tt.fixture, "", tt.feedURL)
			if len(f.Items) != len(tt.want) {
				t.Fatalf("%d items, want %d", len(f.Items), len(tt.want))
			}
			for _, it := range f.Items {
				want, ok := tt.want[it.Title]
				if !ok {
					t.Errorf("unexpected item %q", it.Title)
					continue
				}
				got := ""
				if !it.Published.IsZero() {
					got = it.Published.UTC().Format(time.RFC3339)
				}
				if got != want {
					t.Errorf("%q published %q, want %q", it.Title, got, want)
				}
			}
		})
	}
}

// The language is the feed's tag, in whatever case and form it is
// written; its region does not matter.
func TestParseDateReadsMonthsInTheFeedsLanguage(t *testing.T) {
	tests := []struct {
		in, lang, want string
	}{
		{"05 lis 2025 10:00:00 +0200", "hr", "2025-10-05T08:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "HR", "2025-10-05T08:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "hr_HR", "2025-10-05T08:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", " hr-BA ", "2025-10-05T08:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "pl", "2025-11-05T08:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "", "2025-11-05T08:00:00Z"},
		{"5. listopada 2025.", "hr", "2025-10-05T00:00:00Z"},
		{"5 listopada 2025", "pl", "2025-11-05T00:00:00Z"},
		{"17 srp 2025", "hr", "2025-07-17T00:00:00Z"},
		{"17 srp 2025", "cs", "2025-08-17T00:00:00Z"},
		{"2 lip 2025", "hr", "2025-06-02T00:00:00Z"},
		{"2 lip 2025", "pl", "2025-07-02T00:00:00Z"},
		// The languages of Croatian's standard write its names too (Bosnian's
		// allows them beside "januar"), and name no other month by them.
		{"5. listopada 2025.", "bs", "2025-10-05T00:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "sh", "2025-10-05T08:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "sr-Latn-RS", "2025-10-05T08:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "cnr", "2025-10-05T08:00:00Z"},
		{"2 lip 2025", "hrv", "2025-06-02T00:00:00Z"},
		{"17 srp 2025", "bos", "2025-07-17T00:00:00Z"},
		{"05 lis 2025 10:00:00 +0200", "sk", "2025-11-05T08:00:00Z"},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in, tt.lang)
		if err != nil {
			t.Errorf("parseDate(%q, %q): %v", tt.in, tt.lang, err)
			continue
		}
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("parseDate(%q, %q) = %s, want %s", tt.in, tt.lang, s, tt.want)
		}
	}
}

func TestParseDateReadsTheFormsFeedsWrite(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" when it must not read
	}{
		{"2024-11-05T10:00:00Z", "2024-11-05T10:00:00Z"},
		{"2024-11-05 10:00:00", "2024-11-05T10:00:00Z"},             // no "T", no zone: UTC
		{"2024-11-05T18:30:00+0100", "2024-11-05T17:30:00Z"},        // offset without its colon
		{"2024-11-05T19:00:00.000+0100", "2024-11-05T18:00:00Z"},    // and a fraction
		{"2024-10-28 07:45:00 +0100", "2024-10-28T06:45:00Z"},       // offset after a space
		{"2024-11-05 10:00:00-05:00", "2024-11-05T15:00:00Z"},       //
		{"2024-11-05T10:00", "2024-11-05T10:00:00Z"},                // no seconds
		{"1730800800", "2024-11-05T10:00:00Z"},                      // Unix seconds
		{"1730714400000", "2024-11-04T10:00:00Z"},                   // Unix milliseconds
		{"Tue, 05 Nov 2024 10:00:00 +0000", "2024-11-05T10:00:00Z"}, // RFC 1123
		{"Tue, 05 Nov 2024 10:00:00 EST", "2024-11-05T15:00:00Z"},   // and a zone's abbreviation
		{"Tue, 05 Nov 2024 10:00:00 AEDT", "2024-11-04T23:00:00Z"},  //
		{"2024-11-05T10:00:00 EDT", "2024-11-05T14:00:00Z"},         // ISO 8601's time and one
		{"2024-11-05 10:00:00 UTC", "2024-11-05T10:00:00Z"},         //
		{"Tuesday, 05-Nov-24 10:00:00 GMT", "2024-11-05T10:00:00Z"}, // RFC 850
		{"Mar, 05 Nov 2024 10:00:00 +0100", "2024-11-05T09:00:00Z"}, // Spanish day name
		{"November 5, 2024", "2024-11-05T00:00:00Z"},
		{"2024-11-05T12:35:9+01:00", "2024-11-05T11:35:09Z"},                // one-digit seconds
		{"2024-11-05T12:5:09+01:00", "2024-11-05T11:05:09Z"},                // one-digit minutes
		{"2024-11-05T10:00:00+01", "2024-11-05T09:00:00Z"},                  // an offset in hours only
		{"2024-11-05T10:00:00.250-05", "2024-11-05T15:00:00.25Z"},           // after a fraction
		{"2024-11-05 10:00:00 +01", "2024-11-05T09:00:00Z"},                 // after a space
		{"20241105T100000Z", "2024-11-05T10:00:00Z"},                        // ISO 8601 basic format
		{"20241105T100000+0100", "2024-11-05T09:00:00Z"},                    //
		{"20241105T100000", "2024-11-05T10:00:00Z"},                         //
		{"2024-11-05T24:00:00Z", "2024-11-06T00:00:00Z"},                    // the day's end: the next day's start
		{"2024-11-05T24:00:00+01:00", "2024-11-05T23:00:00Z"},               //
		{"Tue, 05 Nov 2024 24:00:00 +0000", "2024-11-06T00:00:00Z"},         //
		{"2024-11-05T24:00:30Z", ""},                                        // no such time
		{"2024/11/05 10:00:00", "2024-11-05T10:00:00Z"},                     // slashes
		{"2024/11/05", "2024-11-05T00:00:00Z"},                              //
		{"05.11.2024. 10:00", "2024-11-05T10:00:00Z"},                       // day first, a dot after the year (Croatian, Serbian)
		{"5.11.2024. 10:00:30", "2024-11-05T10:00:30Z"},                     //
		{"5. 11. 2024. 10:00", "2024-11-05T10:00:00Z"},                      //
		{"05.11.2024.", "2024-11-05T00:00:00Z"},                             //
		{"13.11.2024. 24:00", "2024-11-14T00:00:00Z"},                       //
		{"11.13.2024. 10:00", ""},                                           // no 13th month: not read month first
		{"2024. 11. 05.", ""},                                               // year first (Korean, Hungarian): not read
		{"Tue, 05 Nov 2024 10:00:00 GMT+2", "2024-11-05T08:00:00Z"},         // an offset from GMT
		{"Tue, 05 Nov 2024 10:00:00 GMT+02:00", "2024-11-05T08:00:00Z"},     //
		{"Tue, 05 Nov 2024 10:00:00 UTC+0100", "2024-11-05T09:00:00Z"},      //
		{"Tue, 05 Nov 2024 10:00:00 UTC-5", "2024-11-05T15:00:00Z"},         //
		{"2024-11-05 10:00:00 GMT+2", "2024-11-05T08:00:00Z"},               //
		{"2024-11-05T10:00:00 UTC+01:00", "2024-11-05T09:00:00Z"},           //
		{"Tue, 05 Nov 2024 10:00:00 -0500 (EST)", "2024-11-05T15:00:00Z"},   // a comment after the zone
		{"Tue, 05 Nov 2024 10:00:00 GMT+2 (EET)", "2024-11-05T08:00:00Z"},   //
		{"2024-11-05T10:00:00+01:00[Europe/Paris]", "2024-11-05T09:00:00Z"}, // as Java prints a ZonedDateTime
		{"2024-11-05T10:00Z[UTC]", "2024-11-05T10:00:00Z"},                  //
		{"2024-11-05 10:00:00 +0100 CET", "2024-11-05T09:00:00Z"},           // as Go prints a time
		{"2024-11-05 10:00:00.123456789 +0000 UTC", "2024-11-05T10:00:00.123456789Z"},
		{"2024-11-05 10:00:00.5 -0500 EST m=+0.001234567", "2024-11-05T15:00:00.5Z"},
		{"2024-11-05", "2024-11-05T00:00:00Z"},                      // a date is no offset
		{"2024-11-05T10:00:00 +01:00", "2024-11-05T09:00:00Z"},      // a space before an offset with its colon
		{"2024-11-05 10:00:00 AM", "2024-11-05T10:00:00Z"},          // a twelve-hour clock
		{"2024-11-05 3:30 PM", "2024-11-05T15:30:00Z"},              //
		{"2024-11-05 12:15:00 AM", "2024-11-05T00:15:00Z"},          //
		{"Fri, 2024/11/01 08:30:00 -0400", "2024-11-01T12:30:00Z"},  // Perforce's, a day name first
		{"Friday 2024-11-01 08:30:00", "2024-11-01T08:30:00Z"},      //
		{"2024-11", "2024-11-01T00:00:00Z"},                         // a month alone
		{"24-11-05", "2024-11-05T00:00:00Z"},                        // a two-digit year
		{"241105", "2024-11-05T00:00:00Z"},                          //
		{"99-12-31T23:00:00Z", "1999-12-31T23:00:00Z"},              //
		{"Tue, 05 Nov 24 10:00 GMT", "2024-11-05T10:00:00Z"},        // RFC 822's own form: two-digit year, no seconds
		{"Tue, 05 Nov 24 10:00 +0530", "2024-11-05T04:30:00Z"},      //
		{"Tue, 05 Nov 24 10:00:00 -0500", "2024-11-05T15:00:00Z"},   //
		{"Tue, 05 Nov 24 10:00:00 CET", "2024-11-05T09:00:00Z"},     //
		{"26 Aug 76 14:29 EDT", "1976-08-26T18:29:00Z"},             // RFC 822's example
		{"Tue, 05 Nov 24", "2024-11-05T00:00:00Z"},                  //
		{"۲۰۲۴-۱۱-۰۵T۱۰:۰۰:۰۰+۰۳:۳۰", "2024-11-05T06:30:00Z"},       // Persian digits
		{"٢٠٢٤-١١-٠٥ ١٠:٠٠:٠٠", "2024-11-05T10:00:00Z"},             // Arabic-Indic digits
		{"Tue, ०५ Nov २०२४ १०:००:०० +0530", "2024-11-05T04:30:00Z"}, // Devanagari digits
		{"۱۴۰۳-۰۸-۱۵T۱۰:۳۰:۰۰Z", "2024-11-05T10:30:00Z"},            // a Solar Hijri date in Persian digits
		{"۱۴۰۴/۱۱/۰۷ ۱۱:۳۲", "2026-01-27T11:32:00Z"},                //
		{"۱۴۰۳-۱۲-۳۰", "2025-03-20T00:00:00Z"},                      // a leap year's last day
		{"۱۴۰۳-۰۲-۳۱", "2024-05-20T00:00:00Z"},                      // the second month's 31st
		{"۱۴۰۳-۰۷-۳۱", ""},                                          // no such day: the seventh month has 30
		{"۱۴۰۴-۱۲-۳۰", ""},                                          // nor a common year's 30th of the last
		{"1403-08-15T10:30:00Z", "1403-08-15T10:30:00Z"},            // in ASCII digits: as it stands
		{"2024年11月05日 10:00", "2024-11-05T10:00:00Z"},               // Chinese and Japanese
		{"2024年11月5日 星期二 10:00:00", "2024-11-05T10:00:00Z"},         // a day of the week after it
		{"2024年11月05日(火) 18:30:00 +0900", "2024-11-05T09:30:00Z"},   //
		{"2024年11月05日", "2024-11-05T00:00:00Z"},                     //
		{"2024년 11월 05일 10:00:00", "2024-11-05T10:00:00Z"},          // Korean
		{"2024-11-04 오후 3:30:00", "2024-11-04T15:30:00Z"},           // the afternoon before the time
		{"2024년 11월 4일 (월) 오전 9:05", "2024-11-04T09:05:00Z"},        //
		{"24-13-05", ""},               // no such month
		{"2024", ""},                   // a year alone
		{"2024-11-05T25:00:00Z", ""},   // no such hour
		{"2024-11-05T10:00:00+25", ""}, // no such offset
		{"20241105", ""},               // eight digits: neither a Unix time nor a layout
		{"17308008001", ""},            // eleven digits
		{"-1730800800", ""},            // before 1970
		{"yesterday", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("read as %s; want an error", got.Format(time.RFC3339))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339Nano); s != tt.want || got.Location() != time.UTC {
				t.Fatalf("got %s (%v), want %s", s, got.Location(), tt.want)
			}
		})
	}
}

// BenchmarkParseDate measures the dates gofeed leaves to ParseDate: one
// in a layout, one in a form rewritten first, one written out, one that
// does not read.
func BenchmarkParseDate(b *testing.B) {
	for _, s := range []string{"2024-11-05 10:00:00", "2024-11-05T12:35:9+01:00", "Seg, 24 Set 2018 10:15:00 -0300", "sometime last week"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				ParseDate(s)
			}
		})
	}
}

// The dates an item gives in other vocabularies' elements (Dublin Core's
// terms, Atom's <published> without its namespace) are read in the
// feed's language too.
func TestParseReadsOtherElementsDatesInTheFeedsLanguage(t *testing.T) {
	f := parseFixture(t, "hr-extdates.xml", "", "https://zupanija.example.hr/feed")
	want := map[string][2]string{ // title: published, updated
		"Nova cesta do sela": {"2025-10-08T08:00:00Z", "2025-10-09T10:00:00Z"},
		"Sajam cvijeća":      {"2025-06-02T07:00:00Z", "2025-06-03T09:00:00Z"},
	}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(f.Items), len(want))
	}
	for _, it := range f.Items {
		got := [2]string{it.Published.UTC().Format(time.RFC3339), it.Updated.UTC().Format(time.RFC3339)}
		if got != want[it.Title] {
			t.Errorf("%q published and updated %q, want %q", it.Title, got, want[it.Title])
		}
	}
}

// TestParseDateReadsAZoneByItsName reads dates followed by the name of
// their time zone in the tz database, as PHP's and Python's formatters
// write them: the time is the zone's, its daylight saving time included,
// where it was read as UTC or not at all. A date that carries an offset
// too keeps its offset, as a Java ZonedDateTime's does; a name the
// database does not have is refused with it named, not read as UTC.
func TestParseDateReadsAZoneByItsName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339 in UTC; "" when it must not read
		err  string // what the error names when it must not
	}{
		{in: "2026-03-01 10:00:00 America/New_York", want: "2026-03-01T15:00:00Z"},
		{in: "2026-07-01 10:00:00 America/New_York", want: "2026-07-01T14:00:00Z"}, // daylight saving time
		{in: "2026-03-01T10:00:00 Europe/Paris", want: "2026-03-01T09:00:00Z"},
		{in: "2026-03-01 10:00 Asia/Kolkata", want: "2026-03-01T04:30:00Z"},
		{in: "Mon, 02 Mar 2026 10:00:00 Europe/Paris", want: "2026-03-02T09:00:00Z"},
		{in: "Wed, 01 Jul 2026 09:30:00 America/Argentina/Buenos_Aires", want: "2026-07-01T12:30:00Z"},
		{in: "lun., 02 mars 2026 10:00:00 Europe/Paris", want: "2026-03-02T09:00:00Z"},
		{in: "2026-03-01T10:00:00[Europe/Paris]", want: "2026-03-01T09:00:00Z"},
		{in: "2026-03-01T10:00:00+01:00[Europe/Paris]", want: "2026-03-01T09:00:00Z"},
		{in: "2026-03-01 10:00:00 +0100 Europe/Paris", want: "2026-03-01T09:00:00Z"}, // the offset says it
		{in: "2026-03-01 3:00 PM America/New_York", want: "2026-03-01T20:00:00Z"},
		{in: "2026-03-01 America/New_York", want: "2026-03-01T05:00:00Z"}, // the day's start there
		{in: "Mon, 02 Mar 2026 10:00:00 CET Europe/Paris", want: "2026-03-02T09:00:00Z"},
		{in: "2026-03-01 10:00:00 Hudson/Valley", err: `"Hudson/Valley"`},
		{in: "Tue, 03 Mar 2026 10:00:00 Hudson/Valley", err: `"Hudson/Valley"`},
	} {
		got, err := ParseDate(tc.in)
		switch {
		case tc.want == "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseDate(%q) = %v, %v; want an error naming %s", tc.in, got, err, tc.err)
		case tc.want != "" && (err != nil || got.Format(time.RFC3339) != tc.want):
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

// TestParseReadsItemDatesInTheirZone reads a feed whose items' dates name
// their zone: each is read in it, and one whose zone is unknown has no
// date rather than a wrong one, which the feed's note counts and names.
func TestParseReadsItemDatesInTheirZone(t *testing.T) {
	body, err := os.ReadFile("testdata/zone-names.xml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(body, "application/rss+xml", "https://www.hudson-ledger.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-01T15:00:00Z", "2026-03-02T09:00:00Z", "2026-07-01T13:30:00Z", ""}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items; want %d", len(f.Items), len(want))
	}
	for i, it := range f.Items {
		got := ""
		if !it.Published.IsZero() {
			got = it.Published.UTC().Format(time.RFC3339)
		}
		if got != want[i] {
			t.Errorf("item %d (%s): published %q; want %q", i, it.Title, got, want[i])
		}
	}
	if want := `1 item's date names a time zone the time zone database does not have ("Hudson/Valley"): read as undated`; !strings.Contains(f.Malformed, want) {
		t.Errorf("note %q; want it to say %q", f.Malformed, want)
	}
}

// TestParseReadsZoneAbbreviationsInEveryElement reads dates that end in
// a zone's abbreviation where gofeed leaves them to this package (Dublin
// Core's and its terms' elements, a JSON Feed's), and the forms gofeed
// reads in <pubDate>: each in its zone, where a time of New York or
// Los Angeles was read as UTC's, hours early, and ISO 8601's time with an
// abbreviation, or RFC 850's date, left the item undated.
func TestParseReadsZoneAbbreviationsInEveryElement(t *testing.T) {
	want := []string{"2024-11-05T15:00:00Z", "2024-11-05T17:00:00Z", "2024-11-05T10:00:00Z", "2024-11-05T10:00:00Z"}
	for _, tc := range []struct{ file, contentType string }{
		{"zone-abbreviations.xml", "application/rss+xml"},
		{"zone-abbreviations.json", "application/feed+json"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := parseFixture(t, tc.file, tc.contentType, "https://www.lakeshore-courier.example/feed")
			if len(f.Items) != len(want) || f.Malformed != "" {
				t.Fatalf("%d items (%q); want %d", len(f.Items), f.Malformed, len(want))
			}
			for i, it := range f.Items {
				if got := it.Published.UTC().Format(time.RFC3339); got != want[i] {
					t.Errorf("%s: published %s; want %s", it.Title, got, want[i])
				}
			}
		})
	}
}

// TestParseReadsAnAmbiguousZoneInTheFeedsLanguage reads dates that end in
// an abbreviation of more than one zone in the zone the feed's language
// and region say ("IST" in India, Ireland or Israel, "CST" in China,
// "BST" in Bangladesh), where "IST" was read as UTC and the others as
// North America's and Britain's; a feed that says nothing of itself has
// its "IST" read as UTC, which its note counts and names.
func TestParseReadsAnAmbiguousZoneInTheFeedsLanguage(t *testing.T) {
	const unsettled = `in an abbreviation of more than one time zone ("IST") that the feed's language does not settle: read as UTC`
	for _, tc := range []struct {
		file, contentType string
		want              []string // each item's publication, RFC 3339 in UTC
		note              string   // what the feed's note says; "" when it says nothing
	}{
		{"ist-en-in.xml", "application/rss+xml", []string{"2024-11-05T04:30:00Z", "2024-11-05T03:00:00Z"}, ""},
		{"ist-en-ie.xml", "application/rss+xml", []string{"2024-07-01T09:00:00Z"}, ""},
		{"ist-he.xml", "application/rss+xml", []string{"2024-11-05T08:00:00Z"}, ""},
		{"cst-zh-cn.xml", "application/rss+xml", []string{"2024-11-05T02:00:00Z"}, ""},
		{"bst-bn-bd.json", "application/feed+json", []string{"2024-11-05T04:00:00Z"}, ""},
		{"ist-nolanguage.xml", "application/rss+xml", []string{"2024-11-05T10:00:00Z", "2024-11-05T11:00:00Z"}, "2 items' dates end " + unsettled},
		{"ist-nolanguage.json", "application/feed+json", []string{"2024-11-05T10:00:00Z"}, "1 item's date ends " + unsettled},
		{"zone-abbreviations.xml", "application/rss+xml", []string{"2024-11-05T15:00:00Z", "2024-11-05T17:00:00Z", "2024-11-05T10:00:00Z", "2024-11-05T10:00:00Z"}, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := parseFixture(t, tc.file, tc.contentType, "https://feeds.example/"+tc.file)
			if len(f.Items) != len(tc.want) {
				t.Fatalf("%d items; want %d", len(f.Items), len(tc.want))
			}
			for i, it := range f.Items {
				if got := it.Published.UTC().Format(time.RFC3339); got != tc.want[i] {
					t.Errorf("%s: published %s; want %s", it.Title, got, tc.want[i])
				}
			}
			if tc.note == "" && f.Malformed != "" || !strings.Contains(f.Malformed, tc.note) {
				t.Errorf("note %q; want %q", f.Malformed, tc.note)
			}
		})
	}
	for _, tc := range []struct{ in, lang, want string }{
		{"Tue, 05 Nov 2024 10:00:00 CST", "en-US", "2024-11-05T16:00:00Z"},          // North America's Central, as RFC 822 reads it
		{"Tue, 05 Nov 2024 10:00:00 CST", "zh-Hant-TW", "2024-11-05T02:00:00Z"},     //
		{"Tue, 05 Nov 2024 10:00:00 BST", "en-GB", "2024-11-05T09:00:00Z"},          //
		{"Tue, 05 Nov 2024 10:00:00 BST", "bn-IN", "2024-11-05T09:00:00Z"},          // the region says, not the language
		{"Tue, 05 Nov 2024 10:00:00 IST", "EN_in", "2024-11-05T04:30:00Z"},          //
		{"Tue, 05 Nov 2024 10:00:00 IST", "hi", "2024-11-05T04:30:00Z"},             //
		{"Tue, 05 Nov 2024 10:00:00 IST", "ga", "2024-11-05T09:00:00Z"},             //
		{"Tue, 05 Nov 2024 10:00:00 IST", "en", "2024-11-05T10:00:00Z"},             // unsettled
		{"2024-11-05 10:00:00 IST", "he-IL", "2024-11-05T08:00:00Z"},                //
		{"Tuesday, November 5, 2024 10:00 AM IST", "en-IN", "2024-11-05T04:30:00Z"}, // written out
	} {
		got, err := parseDate(tc.in, tc.lang)
		if err != nil || got.Format(time.RFC3339) != tc.want {
			t.Errorf("parseDate(%q, %q) = %v, %v; want %s", tc.in, tc.lang, got, err, tc.want)
		}
	}
}

package newsletter

import (
	"testing"
	"time"

	"newshub/internal/model"
)

func TestDue(t *testing.T) {
	la := &model.Config{Timezone: "America/Los_Angeles", NewsletterTime: "07:30"}
	tests := []struct {
		name string
		cfg  *model.Config
		now  string // UTC
		last Date
		want Date // zero: not due
	}{
		{"no newsletter_time", &model.Config{Timezone: "UTC"}, "2026-10-20T12:00:00Z", Date{}, Date{}},
		{"nil config", nil, "2026-10-20T12:00:00Z", Date{}, Date{}},
		{"first issue, after the time", la, "2026-10-20T14:31:00Z", Date{}, Date{2026, 10, 19}},
		{"at the minute", la, "2026-10-20T14:30:00Z", Date{}, Date{2026, 10, 19}},
		{"a minute early", la, "2026-10-20T14:29:00Z", Date{}, Date{2026, 10, 18}},
		{"a minute early, day before written", la, "2026-10-20T14:29:00Z", Date{2026, 10, 18}, Date{}},
		{"after the time, yesterday written", la, "2026-10-20T20:00:00Z", Date{2026, 10, 19}, Date{}},
		{"after the time, day before written", la, "2026-10-20T20:00:00Z", Date{2026, 10, 18}, Date{2026, 10, 19}},
		{"a week down: only the last day", la, "2026-10-20T20:00:00Z", Date{2026, 10, 12}, Date{2026, 10, 19}},
		{"written ahead by hand", la, "2026-10-20T20:00:00Z", Date{2026, 10, 20}, Date{}},
		// 05:00Z on the 21st is 22:00 on the 20th in Los Angeles.
		{"local day differs from UTC day", la, "2026-10-21T05:00:00Z", Date{2026, 10, 18}, Date{2026, 10, 19}},
		// 2026-11-01 clocks go back at 02:00 PDT: 07:30 PST is 15:30Z.
		{"after the clocks go back, early", la, "2026-11-01T15:29:00Z", Date{2026, 10, 29}, Date{2026, 10, 30}},
		{"after the clocks go back, on time", la, "2026-11-01T15:30:00Z", Date{2026, 10, 30}, Date{2026, 10, 31}},
		{"east of UTC", &model.Config{Timezone: "Pacific/Kiritimati", NewsletterTime: "06:00"}, "2026-10-20T16:00:00Z", Date{}, Date{2026, 10, 20}},
		{"midnight", &model.Config{Timezone: "UTC", NewsletterTime: "00:00"}, "2026-10-20T00:00:00Z", Date{2026, 10, 18}, Date{2026, 10, 19}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now, err := time.Parse(time.RFC3339, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := Due(now, tc.cfg, tc.last)
			if ok != !tc.want.IsZero() || got != tc.want {
				t.Fatalf("Due(%s, last %s) = %s, %v; want %s", tc.now, tc.last, got, ok, tc.want)
			}
			if ok && IssueTime(got, tc.cfg).After(now) {
				t.Fatalf("day %s is due at %s, after now %s", got, IssueTime(got, tc.cfg), now)
			}
		})
	}
}

func TestIssueTime(t *testing.T) {
	tests := []struct {
		cfg  *model.Config
		day  Date
		want string
	}{
		{&model.Config{Timezone: "America/Los_Angeles", NewsletterTime: "07:30"}, Date{2026, 10, 19}, "2026-10-20T14:30:00Z"},
		{&model.Config{Timezone: "America/Los_Angeles", NewsletterTime: "07:30"}, Date{2026, 10, 31}, "2026-11-01T15:30:00Z"},
		{&model.Config{Timezone: "America/Los_Angeles"}, Date{2026, 10, 31}, "2026-11-01T07:00:00Z"},
		{&model.Config{}, Date{2026, 12, 31}, "2027-01-01T00:00:00Z"},
		{&model.Config{Timezone: "Asia/Kolkata", NewsletterTime: "18:45"}, Date{2024, 2, 28}, "2024-02-29T13:15:00Z"},
		// Clocks skip 02:00 to 03:00 on 2026-03-08 in New York and on
		// 2026-03-29 in Berlin: 02:30 is read as 03:30, after the change,
		// in both (never before it, at 01:30).
		{&model.Config{Timezone: "America/New_York", NewsletterTime: "02:30"}, Date{2026, 3, 7}, "2026-03-08T07:30:00Z"},
		{&model.Config{Timezone: "Europe/Berlin", NewsletterTime: "02:30"}, Date{2026, 3, 28}, "2026-03-29T01:30:00Z"},
		// Clocks go back over 02:30 on 2026-10-25 in Berlin and over 01:30
		// on 2026-11-01 in New York: the first 02:30 (CEST), the first 01:30
		// (EDT).
		{&model.Config{Timezone: "Europe/Berlin", NewsletterTime: "02:30"}, Date{2026, 10, 24}, "2026-10-25T00:30:00Z"},
		{&model.Config{Timezone: "America/New_York", NewsletterTime: "01:30"}, Date{2026, 10, 31}, "2026-11-01T05:30:00Z"},
		// The days either side of a skipped night are as any other.
		{&model.Config{Timezone: "America/New_York", NewsletterTime: "02:30"}, Date{2026, 3, 8}, "2026-03-09T06:30:00Z"},
		{&model.Config{Timezone: "Europe/Berlin", NewsletterTime: "02:30"}, Date{2026, 10, 25}, "2026-10-26T01:30:00Z"},
	}
	for _, tc := range tests {
		if got := IssueTime(tc.day, tc.cfg).Format(time.RFC3339); got != tc.want {
			t.Errorf("IssueTime(%s, %+v) = %s, want %s", tc.day, tc.cfg, got, tc.want)
		}
	}
}

// TestDayStart checks where a day begins when the clocks skip its
// midnight (Santiago on 2026-09-06, Havana on 2026-03-08: 00:00 to
// 01:00): at 01:00, not at 23:00 of the day before, whose last hour an
// issue would otherwise lose to the next day's.
func TestDayStart(t *testing.T) {
	tests := []struct {
		tz   string
		day  Date
		want string
	}{
		{"America/Santiago", Date{2026, 9, 6}, "2026-09-06T01:00:00-03:00"},
		{"America/Santiago", Date{2026, 9, 5}, "2026-09-05T00:00:00-04:00"},
		{"America/Havana", Date{2026, 3, 8}, "2026-03-08T01:00:00-04:00"},
		{"Asia/Beirut", Date{2026, 3, 29}, "2026-03-29T01:00:00+03:00"},
		{"Europe/Berlin", Date{2026, 10, 25}, "2026-10-25T00:00:00+02:00"},
		{"UTC", Date{2026, 12, 31}, "2026-12-31T00:00:00Z"},
	}
	for _, tc := range tests {
		loc, err := time.LoadLocation(tc.tz)
		if err != nil {
			t.Fatal(err)
		}
		if got := tc.day.Start(loc).Format(time.RFC3339); got != tc.want {
			t.Errorf("%s.Start(%s) = %s, want %s", tc.day, tc.tz, got, tc.want)
		}
	}
}

func TestDates(t *testing.T) {
	d, err := ParseDate("2024-02-28")
	if err != nil || d != (Date{2024, 2, 28}) || d.String() != "2024-02-28" {
		t.Fatalf("ParseDate = %v, %v", d, err)
	}
	if d.AddDays(1) != (Date{2024, 2, 29}) || d.AddDays(2) != (Date{2024, 3, 1}) || d.AddDays(-59) != (Date{2023, 12, 31}) {
		t.Fatalf("AddDays: %s %s %s", d.AddDays(1), d.AddDays(2), d.AddDays(-59))
	}
	if !d.Before(Date{2024, 3, 1}) || (Date{2024, 3, 1}).Before(d) || d.Before(d) || !(Date{}).Before(d) {
		t.Fatal("Before")
	}
	for bad, want := range map[string]string{
		"2024-2-28":  `"2024-2-28" is not a date YYYY-MM-DD`,
		"2024-02-30": `"2024-02-30" is not a date YYYY-MM-DD: day out of range`,
		"2023-02-29": `"2023-02-29" is not a date YYYY-MM-DD: day out of range`,
		"2026-13-01": `"2026-13-01" is not a date YYYY-MM-DD: month out of range`,
		"yesterday":  `"yesterday" is not a date YYYY-MM-DD`,
		"":           `"" is not a date YYYY-MM-DD`,
	} {
		if _, err := ParseDate(bad); err == nil || err.Error() != want {
			t.Errorf("ParseDate(%q) = %v, want %q", bad, err, want)
		}
	}
	for p, want := range map[string]Date{
		"_newsletters/election-smartable-2020-11-03.html": {2020, 11, 3},
		"_newsletters/2021-01-02.html":                    {2021, 1, 2},
	} {
		if got, ok := DateOfPath(p); !ok || got != want {
			t.Errorf("DateOfPath(%q) = %s, %v", p, got, ok)
		}
	}
	if _, ok := DateOfPath("_newsletters/special.html"); ok {
		t.Error("DateOfPath accepted a name without a date")
	}
}

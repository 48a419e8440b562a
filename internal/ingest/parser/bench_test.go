package parser

import (
	"fmt"
	"strings"
	"testing"
)

// benchFeed is a well-formed RSS feed of n items shaped like the bench's
// (title, link, GUID, date, an HTML description).
func benchFeed(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench</title><link>https://bench.example/</link>`)
	for i := range n {
		fmt.Fprintf(&b, `<item><title>Story %d about the county budget vote</title><link>https://bench.example/news/%d?utm_source=rss</link><guid isPermaLink="false">%d</guid><pubDate>Tue, 05 Nov 2024 10:00:00 +0000</pubDate><description>&lt;p&gt;Council members voted on the budget for the coming year, story %d.&lt;/p&gt;</description></item>`, i, i, i, i)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// BenchmarkParse measures a well-formed 50-item feed, the common case,
// and the same feed cut short, read item by item.
func BenchmarkParse(b *testing.B) {
	feed := benchFeed(50)
	for _, bc := range []struct {
		name string
		body []byte
	}{{"well-formed", feed}, {"truncated", feed[:len(feed)*9/10]}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				if _, err := Parse(bc.body, "", "https://bench.example/feed"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

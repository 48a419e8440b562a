// Package curate decides what a hub shows: one key per article (canonical
// URL), duplicates merged, topics, story clusters with one lead each, the
// lead's related coverage, quality and heat. The clustering algorithm
// itself lives in curate/cluster; this package feeds it and applies the
// lifecycle rules to what it finds.
//
// # Quality
//
// Quality is a deterministic score from the publisher's prior and the
// article's own signals, kept within Smartable's observed range 35…185:
//
//	prior      organization quality when set, else 50
//	image      +20 with an image; +10 more when the largest is ≥ 1000 px wide,
//	           +5 when ≥ 600 px
//	AMP        +15 with an AMP page
//	excerpt    +15 for ≥ 200 characters, +10 for 100–199, +5 for 40–99
//	title      +10 for 30–110 characters, +5 for 15–29 or 111–150,
//	           −20 when empty; −10 when written in capitals (eight or more
//	           capital letters and no lower-case one); −15 with a clickbait
//	           marker ("you won't believe", "shocking", "!!", …)
//	total      clamped to [35, 185]
//
// Quality returns one explanation line per term.
//
// # Stories, lead, related, heat
//
// In each story the article of highest quality leads (ties: earliest
// published, then provider name); it is published with heat = quality +
// 20 × len(related), and related lists the other members and similar
// stories of the window, by quality descending, at most the site's
// related_limit. The others are unpublished with heat −1.
//
// # Top stories
//
// Rank orders leads by heat / (1 + age_hours/24)^1.5: a day-old story needs
// 2.8 times the heat of a fresh one to rank beside it, a three-day-old one 8
// times.
//
// # Topic and editors
//
// Beside the clustering, two things decide whether and how an article is
// published (judge.go). The topic gate (curate/scope) gives each article
// its relevance on its own, stored once made: an editor's lesson (a show,
// a hide marked off topic), else its feed marked dedicated (as it was
// when the article arrived, for a feed no longer listed), else
// everything when the hub has nothing to go by, else the gate's decision.
// The editors' decisions (internal/editorial) withhold an article (hidden,
// its publisher or feed blocked) or publish it over everything (shown),
// add and remove topics, move articles between stories and merge stories
// after clustering, choose a story's lead and pin it. In each story:
//
//  1. an article off topic, hidden or blocked is withheld;
//  2. the lead is the member an editor chose last, when it may be
//     published, else the best that may (see Stories); with none, the
//     story is not published;
//  3. every member of a story whose lead is on topic is on topic (the
//     story rule), so the same event told without a keyword stays; not
//     when every on-topic member is so only by the gate's threshold (the
//     text model reading it less than half likely on topic);
//  4. related coverage lists no withheld article; the lead carries the
//     story's pin (PinnedUntil).
//
// New decisions in a process's gate teach it once; a new process teaches
// its gate the decisions stored with the latest articles first. Apply
// brings the stories a new decision touches in step at once, without
// clustering again.
//
// # Imported and arriving records
//
// Curator.Arrive keeps every curated value a record carried (an imported
// hub round-trips byte for byte) and computes only what is missing;
// imported records form stories through their related lists: the lists
// they came with as members, which a member made the lead keeps aside,
// never one curation wrote, so that a whole-store curate run again right
// after one changes nothing. An import
// that brings back an older copy of a stored record still leaves its
// story one lead: the one the copy says, else as curation picks it.
// Curator.All recomputes everything (the curate command).
package curate

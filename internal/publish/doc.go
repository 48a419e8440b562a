// Package publish turns a hub's store into its published form: the View
// of one store generation, loaded once, and from it the Smartable-
// compatible JSON API (DESIGN §5), the RSS, Atom and JSON feeds, and the
// static build that writes them all to a folder. Package web renders the
// website's pages from the same View.
//
// A View holds the sorted lists every page is cut from (the leads newest
// first for the API and the feeds, ranked for top stories), the stories,
// and the encoded news items, so serving a page is slicing and
// concatenating bytes. What is published, and how leads rank, is decided
// in one place each (View.shows, View.score). Documents are rendered on
// first request and cached with their ETag and gzip form. The server and
// the static build ask the same View for the same path, so they give the
// same bytes. Views keeps a server's current View, with the one refresh
// policy of everything it answers.
//
// # Documents
//
// News lists (api/news/, page/N/, pageN/, and the same under each topic
// id, the root's being api/news/'s) use the V2 envelope {page, value, nextPage} with 30 published
// items a page, newest first. Events, people and learning lists use the V1
// envelope {title, path, page, value} on one page (index.json, page1/,
// page/1/); topic events pages use V2 with every key written. Per-item
// learning documents are V3 (one line, every key). Times are shown in the
// site's timezone. Objects keep the key order of the real files, explicit
// nulls where those have them and omitted keys where those omit them.
//
// # Where newshub departs from Smartable's files
//
//   - A news item's sourceUrl is the URL of its own document,
//     api/news/YYYY/MM/DD/slug/ (Smartable wrote null and had no such
//     document). That document is the list item plus "related".
//   - The voice topics "Democratic Voice" and "Republican Voice" get
//     Smartable's colours when their YAML gives no highlight (the real topic
//     files carry none, the real API shows them); a highlight in the YAML
//     wins, and any topic may carry one.
//   - Heat is the record's; Smartable's API sometimes showed a later heat
//     than the record it came from.
//   - api/people/<x>/ is the profile when a person's slug equals a topic id;
//     that topic's list stays at page1/ and page/1/.
//   - Additions: api/ itself (the entry points with their URLs),
//     api/stories/ and api/stories/<id>/, api/topics/ (the shape
//     Smartable's sister site renders, plus highlight), api/events/index.json
//     (Smartable had only page1/ and page/1/), feeds/.
//   - Shapes never seen in a real file are inferred: the per-item event and
//     person documents (the list item object), the order of the keys of a
//     people collection item and of a topic events item.
package publish

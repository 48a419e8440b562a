package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"newshub/internal/model"
	"newshub/internal/store"
)

// search runs q or fails the test.
func search(t *testing.T, st store.Store, q store.SearchQuery) store.SearchResult {
	t.Helper()
	res, err := st.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	return res
}

// textArticle builds an article with the texts search reads: its title,
// excerpt and publisher.
func textArticle(slug, title, excerpt, provider string, at int, topics ...string) *model.Record {
	r := article(slug, title, hours(at), topics...)
	r.Article.Excerpt = excerpt
	r.Article.Provider.Name = provider
	refresh(r)
	return r
}

// searchSet holds articles whose words the search tests look for.
func searchSet() map[string]*model.Record {
	mk := textArticle
	recs := map[string]*model.Record{
		"title":    mk("rights-bill", "Senate passes voting rights bill", "The senate voted late on Tuesday.", "Capitol Wire", 0, "Election", "Congress"),
		"excerpt":  mk("budget", "Governor signs budget", "Lawmakers argued for weeks over spending, schools and roads before the governor signed it, days after a senate hearing.", "State Desk", 1, "Election"),
		"provider": mk("weather", "Sunny weekend ahead", "Clear skies expected.", "Senate Gazette", 2, "Weather"),
		"rights":   mk("rights-march", "Rights groups march for voting access", "Thousands marched.", "Example News", 3, "Election"),
		"accent":   mk("cafe", "Café owners protest rules", "Small businesses rally.", "Example News", 4, "Business"),
	}
	return recs
}

func seedSearch(t *testing.T, st store.Store) map[string]*model.Record {
	t.Helper()
	recs := searchSet()
	var batch []*model.Record
	for _, r := range recs {
		batch = append(batch, r)
	}
	batch = append(batch, person("senate-leader", "Senate Leader", 50)) // people are not searched
	upsert(t, st, batch...)
	return recs
}

func testSearchRanking(t *testing.T, st store.Store) {
	recs := seedSearch(t, st)
	res := search(t, st, store.SearchQuery{Text: "senate"})
	want := map[string]bool{recs["title"].Path: true, recs["excerpt"].Path: true, recs["provider"].Path: true}
	if res.Total != len(want) || len(res.Hits) != len(want) {
		t.Fatalf("search senate: total %d, hits %v; want the %d news records that say senate", res.Total, paths(res.Hits), len(want))
	}
	for _, h := range res.Hits {
		if !want[h.Path] {
			t.Errorf("search senate returned %s", h.Path)
		}
		if h.Kind != model.KindNews || h.Article == nil {
			t.Errorf("search hit %s is not a decoded news record", h.Path)
		}
	}
	if res.Hits[0].Path != recs["title"].Path {
		t.Errorf("best hit for senate = %s, want the article with senate in its title (%s)", res.Hits[0].Path, recs["title"].Path)
	}
}

func testSearchSyntax(t *testing.T, st store.Store) {
	recs := seedSearch(t, st)
	tests := []struct {
		text string
		want []string // keys of searchSet, any order
	}{
		{"voting", []string{"title", "rights"}},
		{"VOTING", []string{"title", "rights"}},
		{"voting rights", []string{"title", "rights"}},               // every word, any place
		{`"voting rights"`, []string{"title"}},                       // adjacent, in order
		{`"rights voting"`, nil},                                     // wrong order
		{`senate "voting rights"`, []string{"title"}},                // word and phrase
		{"sena*", []string{"title", "excerpt", "provider"}},          // prefix
		{"gazette", []string{"provider"}},                            // publisher name
		{"voting-rights", []string{"title"}},                         // punctuation joins words into a phrase
		{"rights OR budget", nil},                                    // OR is a word, not an operator
		{"NOT senate", nil},                                          // so is NOT
		{"title:senate", nil},                                        // no column filters
		{"senate)", []string{"title", "excerpt", "provider"}},        // stray punctuation is ignored
		{"senate -gazette", []string{"title", "excerpt"}},            // a word left out
		{`senate -"voting rights"`, []string{"excerpt", "provider"}}, // a phrase left out
		{`voting -"rights voting"`, []string{"title", "rights"}},     // a phrase that is nowhere
		{"sena* -capitol -desk", []string{"provider"}},               // each left out
		{"senate -gaz*", []string{"title", "excerpt"}},               // a prefix left out
		{"café", []string{"accent"}},
		{"nothing-matches-this", nil},
	}
	for _, tt := range tests {
		checkFinds(t, st, recs, tt.text, tt.want)
	}
}

func testSearchFilters(t *testing.T, st store.Store) {
	recs := seedSearch(t, st)
	tests := []struct {
		name string
		q    store.SearchQuery
		want []string
	}{
		{"topic", store.SearchQuery{Text: "senate", Topic: "Congress"}, []string{"title"}},
		{"root topic", store.SearchQuery{Text: "senate", Topic: "Election"}, []string{"title", "excerpt"}},
		{"topic without matches", store.SearchQuery{Text: "senate", Topic: "Business"}, nil},
		{"since inclusive", store.SearchQuery{Text: "senate", Since: hours(1)}, []string{"excerpt", "provider"}},
		{"until exclusive", store.SearchQuery{Text: "senate", Until: hours(1)}, []string{"title"}},
		{"topic and time", store.SearchQuery{Text: "voting", Topic: "Election", Since: hours(1), Until: hours(10)}, []string{"rights"}},
		{"topic and a word left out", store.SearchQuery{Text: "senate -capitol", Topic: "Election"}, []string{"excerpt"}},
		{"time and a word left out", store.SearchQuery{Text: "senate -capitol", Until: hours(2), Public: true}, []string{"excerpt"}},
	}
	for _, tt := range tests {
		res := search(t, st, tt.q)
		var want []string
		for _, k := range tt.want {
			want = append(want, recs[k].Path)
		}
		got := map[string]bool{}
		for _, h := range res.Hits {
			got[h.Path] = true
		}
		ok := res.Total == len(want) && len(res.Hits) == len(want)
		for _, p := range want {
			ok = ok && got[p]
		}
		if !ok {
			t.Errorf("%s: total %d, hits %v; want %v", tt.name, res.Total, paths(res.Hits), want)
		}
	}
}

func testSearchPaging(t *testing.T, st store.Store) {
	var batch []*model.Record
	for i := range 25 {
		r := article(fmt.Sprintf("storm-%02d", i), fmt.Sprintf("Storm update number %d", i), hours(i), "Election", "Weather")
		if i%5 == 0 { // some say storm twice, so ranks differ
			r.Article.Excerpt = "The storm grows; storm warnings issued."
			refresh(r)
		}
		batch = append(batch, r)
	}
	batch = append(batch, article("calm", "Calm day", hours(30), "Election"))
	upsert(t, st, batch...)

	full := search(t, st, store.SearchQuery{Text: "storm"})
	if full.Total != 25 || len(full.Hits) != 25 {
		t.Fatalf("search storm: total %d, %d hits; want 25", full.Total, len(full.Hits))
	}
	var pages []string
	for off := 0; off < 30; off += 10 {
		res := search(t, st, store.SearchQuery{Text: "storm", Offset: off, Limit: 10})
		if res.Total != 25 {
			t.Errorf("page at %d: total %d, want 25", off, res.Total)
		}
		if want := min(10, max(0, 25-off)); len(res.Hits) != want {
			t.Errorf("page at %d: %d hits, want %d", off, len(res.Hits), want)
		}
		pages = append(pages, paths(res.Hits)...)
	}
	if !equalStrings(pages, paths(full.Hits)) {
		t.Errorf("pages give %v\nwant the full ranking %v", pages, paths(full.Hits))
	}
	// The articles saying storm three times rank above the others.
	for i, h := range full.Hits[:5] {
		if h.Article.Excerpt != "The storm grows; storm warnings issued." {
			t.Errorf("hit %d is %s; the five articles repeating storm should come first", i, h.Path)
		}
	}
	beyond := search(t, st, store.SearchQuery{Text: "storm", Offset: 100, Limit: 10})
	if beyond.Total != 25 || len(beyond.Hits) != 0 {
		t.Errorf("page past the end: total %d, %d hits; want 25 and none", beyond.Total, len(beyond.Hits))
	}
}

func testSearchRankLimit(t *testing.T, st store.Store) {
	// Stored one by one, so "stored last" is well defined: flood-00 first.
	var all []*model.Record
	for i := range 12 {
		topic := "Weather"
		if i%2 == 0 {
			topic = "Election"
		}
		r := article(fmt.Sprintf("flood-%02d", i), fmt.Sprintf("Flood report %d", i), hours(i), topic)
		if i == 9 { // ranks first among the last stored
			r.Article.Excerpt = "Flood waters rise; flood warnings for the flood plain."
			refresh(r)
		}
		upsert(t, st, r)
		all = append(all, r)
	}
	set := func(recs []*model.Record) map[string]bool {
		m := map[string]bool{}
		for _, r := range recs {
			m[r.Path] = true
		}
		return m
	}
	tests := []struct {
		name      string
		q         store.SearchQuery
		total     int
		wantPaths []*model.Record // the ranked set, in any order
		first     *model.Record
	}{
		{"bounded", store.SearchQuery{Text: "flood", RankLimit: 5}, 12, all[7:], all[9]},
		{"all ranked", store.SearchQuery{Text: "flood", RankLimit: -1}, 12, all, all[9]},
		{"default bound above the matches", store.SearchQuery{Text: "flood"}, 12, all, all[9]},
		{"bounded within a topic", store.SearchQuery{Text: "flood", Topic: "Election", RankLimit: 3}, 6, []*model.Record{all[6], all[8], all[10]}, nil},
		{"bounded within a time range", store.SearchQuery{Text: "flood", Until: hours(9), RankLimit: 4}, 9, all[5:9], nil},
		{"time range within the bound", store.SearchQuery{Text: "flood", Since: hours(8), RankLimit: 5}, 4, all[8:], all[9]},
		{"all ranked within a time range", store.SearchQuery{Text: "flood", Until: hours(9), RankLimit: -1}, 9, all[:9], nil},
		{"time range at the bound", store.SearchQuery{Text: "flood", Since: hours(8), RankLimit: 4}, 4, all[8:], all[9]},
	}
	for _, tt := range tests {
		res := search(t, st, tt.q)
		// A store may stop counting at the ranked matches, saying so.
		total := res.Total
		if res.Capped && tt.total <= res.Ranked {
			t.Errorf("%s: capped with all %d matches ranked", tt.name, tt.total)
		}
		if res.Capped {
			if res.Total != res.Ranked || tt.total <= res.Ranked {
				t.Errorf("%s: capped total %d with %d ranked, of %d matches", tt.name, res.Total, res.Ranked, tt.total)
			}
			total = tt.total
		}
		if total != tt.total || res.Ranked != len(tt.wantPaths) {
			t.Errorf("%s: total %d, ranked %d; want %d and %d", tt.name, res.Total, res.Ranked, tt.total, len(tt.wantPaths))
		}
		if got, want := set(res.Hits), set(tt.wantPaths); len(res.Hits) != len(want) || !equalSets(got, want) {
			t.Errorf("%s: hits %v, want the matches stored last %v", tt.name, paths(res.Hits), paths(tt.wantPaths))
		}
		if tt.first != nil && len(res.Hits) > 0 && res.Hits[0].Path != tt.first.Path {
			t.Errorf("%s: first hit %s, want %s (says flood three times)", tt.name, res.Hits[0].Path, tt.first.Path)
		}
	}
	// Pages end with the ranked set; the total still counts every match.
	past := search(t, st, store.SearchQuery{Text: "flood", RankLimit: 5, Offset: 4, Limit: 3})
	if past.Total != 12 || past.Ranked != 5 || len(past.Hits) != 1 {
		t.Errorf("page across the bound: total %d, ranked %d, %d hits; want 12, 5 and 1", past.Total, past.Ranked, len(past.Hits))
	}
}

// checkFinds checks that searching text finds exactly the records of recs
// named by want (any order), and counts as many.
func checkFinds(t *testing.T, st store.Store, recs map[string]*model.Record, text string, want []string) {
	t.Helper()
	res := search(t, st, store.SearchQuery{Text: text})
	wantPaths := map[string]bool{}
	for _, k := range want {
		wantPaths[recs[k].Path] = true
	}
	got := map[string]bool{}
	for _, h := range res.Hits {
		got[h.Path] = true
	}
	if res.Total != len(wantPaths) || !equalSets(got, wantPaths) {
		t.Errorf("search %q: total %d, hits %v; want %v", text, res.Total, paths(res.Hits), want)
	}
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func testSearchBadQuery(t *testing.T, st store.Store) {
	seedSearch(t, st)
	for _, text := range []string{
		"",
		"   ",
		`"voting rights`,
		`senate "`,
		`"`,
		"***",
		"- + ( ) : ^",
		`""`,
		"\u0300",  // a combining mark alone, no letter to carry it
		"\u0300*", // which one store read as a prefix of every word
		"\u0301 \u20dd",
	} {
		res, err := st.Search(context.Background(), store.SearchQuery{Text: text})
		if !errors.Is(err, store.ErrBadQuery) {
			t.Errorf("Search(%q) = %d hits, err %v; want ErrBadQuery", text, len(res.Hits), err)
			continue
		}
		if err.Error() == store.ErrBadQuery.Error() {
			t.Errorf("Search(%q): error %q does not say what is wrong", text, err)
		}
	}
	// Text that looks like engine syntax is searched for, never an error.
	for _, text := range []string{"NEAR(senate budget)", "senate AND", "{title}: senate", "senate^", "a'b; DROP TABLE records", "senate*voting"} {
		if _, err := st.Search(context.Background(), store.SearchQuery{Text: text}); err != nil {
			t.Errorf("Search(%q): %v; want results, not an error", text, err)
		}
	}
}

// cjkSet holds articles in scripts written without spaces between words
// (and Korean, whose nouns carry their particles), beside one in English.
func cjkSet() map[string]*model.Record {
	mk := textArticle
	return map[string]*model.Record{
		"ja":      mk("tokyo-games", "東京オリンピック延期が決定", "大会組織委員会は延期を発表した。", "東京新報", 0),
		"zh":      mk("beijing-rain", "北京市发布暴雨预警", "市民注意出行安全。", "华北日报", 1),
		"ko":      mk("seoul-rally", "서울에서 대규모 집회", "시민 수만 명이 모였다.", "한빛일보", 2),
		"th":      mk("bangkok-flood", "กรุงเทพมหานครประกาศเตือนภัยน้ำท่วม", "ประชาชนเตรียมพร้อม", "ข่าวสยาม", 3),
		"mixed":   mk("phone-queue", "iPhone15発売、東京で行列", "コーヒー片手に待つ人も。", "Example News", 4),
		"english": mk("tokyo-english", "Tokyo Olympics postponed", "Organisers announced the delay.", "Example News", 5),
	}
}

func testSearchCJK(t *testing.T, st store.Store) {
	recs := cjkSet()
	upsertAll(t, st, recs)
	tests := []struct {
		text string
		want []string // keys of cjkSet, any order
	}{
		{"東京", []string{"ja", "mixed"}},   // a word at a run's start, and in a publisher's name
		{"オリンピック", []string{"ja"}},        // a word inside a run
		{"延期", []string{"ja"}},            // in the title and the excerpt
		{"オリンピック延期", []string{"ja"}},      // a longer run: its pairs in order
		{`"延期 決定"`, nil},                  // not adjacent in the text
		{"東大", nil},                       // both characters are there, not together
		{"東京 -オリンピック", []string{"mixed"}}, // a word left out
		{"東京オ*", []string{"ja"}},          // prefix
		{"東*", []string{"ja", "mixed"}},   // one character's prefix
		{"暴雨", []string{"zh"}},            // Chinese
		{"预警", []string{"zh"}},            // at the run's end
		{"华北", []string{"zh"}},            // publisher
		{"서울", []string{"ko"}},            // a Korean noun with its particle
		{"집회", []string{"ko"}},            // a Korean word as written
		{"กรุงเทพ", []string{"th"}},       // Thai
		{"น้ำท่วม", []string{"th"}},       // Thai with its marks
		{"発売", []string{"mixed"}},         // after Latin letters
		{"iphone15", []string{"mixed"}},   // Latin letters before CJK stay a word
		{"コーヒー", []string{"mixed"}},       // katakana with the long vowel mark
		{"tokyo", []string{"english"}},    // English as before
		{"olympics postponed", []string{"english"}},
	}
	for _, tt := range tests {
		checkFinds(t, st, recs, tt.text, tt.want)
	}
}

// upsertAll stores the records of recs in one batch.
func upsertAll(t *testing.T, st store.Store, recs map[string]*model.Record) {
	t.Helper()
	var batch []*model.Record
	for _, r := range recs {
		batch = append(batch, r)
	}
	upsert(t, st, batch...)
}

// testSearchForms checks that a word is found however its letters are
// written: composed or as a base letter and its marks, which some systems
// send (a reader types the composed form, or the other), and Turkish text
// with or without its dotless ı, in either case, as "secim" finds "seçim".
func testSearchForms(t *testing.T, st store.Store) {
	nfd := norm.NFD.String
	recs := map[string]*model.Record{
		"turkish":    textArticle("istanbul-vote", "İstanbul'da seçim sonuçları açıklandı", "IŞIK Üniversitesi'nde ılık hava.", "Hürriyet", 0),
		"decomposed": textArticle("yoshkar-ola", nfd("Йошкар-Ола: выборы мэра"), nfd("Ελλάδα: εκλογές"), nfd("Tuổi Trẻ"), 1),
		"korean":     textArticle("seoul-mayor", nfd("서울시장 선거"), "", "", 2),
	}
	upsertAll(t, st, recs)
	tests := []struct {
		text string
		want []string // keys of recs, any order
	}{
		{"sonuçları", []string{"turkish"}},
		{"SONUÇLARI", []string{"turkish"}}, // its capitals: I for ı
		{"sonuclari", []string{"turkish"}}, // typed without Turkish letters
		{"AÇIKLANDI", []string{"turkish"}},
		{"ışık", []string{"turkish"}}, // written IŞIK
		{"Işık", []string{"turkish"}},
		{"isik", []string{"turkish"}},
		{"ılık", []string{"turkish"}},
		{"ILIK", []string{"turkish"}},
		{"ilik", []string{"turkish"}},
		{"İSTANBUL", []string{"turkish"}},
		{"istanbul", []string{"turkish"}},
		{"Йошкар", []string{"decomposed"}}, // typed composed
		{nfd("Йошкар"), []string{"decomposed"}},
		{"иошкар", nil}, // й is a letter of its own, as in composed text
		{"εκλογές", []string{"decomposed"}},
		{"tuoi tre", []string{"decomposed"}},
		{"서울", []string{"korean"}},
		{"선거", []string{"korean"}},
		{nfd("선거"), []string{"korean"}},
	}
	for _, tt := range tests {
		checkFinds(t, st, recs, tt.text, tt.want)
	}
}

// testSearchNewerFirstAmongEqual checks that matches a query finds equally
// relevant, such as news reports of one shape, come newest first, as a
// news reader expects, on every page.
func testSearchNewerFirstAmongEqual(t *testing.T, st store.Store) {
	var stored []*model.Record // oldest first, stored one by one
	for i, place := range []string{"Alder", "Birch", "Cedar", "Dogwood"} {
		r := article("wildfire-"+strings.ToLower(place), "Wildfire reaches "+place+" Creek", hours(i), "Weather")
		upsert(t, st, r)
		stored = append(stored, r)
	}
	var want []string
	for i := len(stored) - 1; i >= 0; i-- {
		want = append(want, stored[i].Path)
	}
	if got := paths(search(t, st, store.SearchQuery{Text: "wildfire"}).Hits); !equalStrings(got, want) {
		t.Errorf("search wildfire: %v\nwant the newest first %v", got, want)
	}
	var pages []string
	for off := 0; off < len(stored); off += 3 {
		pages = append(pages, paths(search(t, st, store.SearchQuery{Text: "wildfire", Offset: off, Limit: 3}).Hits)...)
	}
	if !equalStrings(pages, want) {
		t.Errorf("search wildfire by pages of 3: %v\nwant the newest first %v", pages, want)
	}
	since := search(t, st, store.SearchQuery{Text: "wildfire", Since: hours(1)})
	if got := paths(since.Hits); !equalStrings(got, want[:3]) {
		t.Errorf("search wildfire since hour 1: %v\nwant the newest first %v", got, want[:3])
	}
}

// testSearchMarks checks that a word holding vowel signs or other marks
// (Hindi, Bengali, Tamil) is one word, as a reader types it: searching
// दाल (lentils) finds it, not दिल्ली (Delhi), which has the same letters
// with other vowel signs.
func testSearchMarks(t *testing.T, st store.Store) {
	recs := map[string]*model.Record{
		"delhi":   textArticle("delhi-rain", "दिल्ली में भारी बारिश", "सड़कों पर पानी भरा।", "", 0),
		"dal":     textArticle("dal-prices", "दाल के दाम बढ़े", "मंडी में दाल महंगी हुई।", "", 1),
		"bengali": textArticle("kolkata-fair", "কলকাতায় বইমেলা শুরু", "পাঠকদের ভিড়।", "", 2),
		"tamil":   textArticle("chennai-port", "சென்னை துறைமுகம் விரிவாக்கம்", "கப்பல் போக்குவரத்து அதிகரிப்பு.", "", 3),
	}
	upsertAll(t, st, recs)
	tests := []struct {
		text string
		want []string // keys of recs, any order
	}{
		{"दाल", []string{"dal"}},
		{"दिल्ली", []string{"delhi"}},
		{"दिल", nil}, // heart: a word of its own
		{"बारिश", []string{"delhi"}},
		{`"भारी बारिश"`, []string{"delhi"}},
		{"दा*", []string{"dal"}},
		{"বইমেলা", []string{"bengali"}},
		{"বই", nil},
		{"சென்னை", []string{"tamil"}},
		{"சென", nil},
	}
	for _, tt := range tests {
		checkFinds(t, st, recs, tt.text, tt.want)
	}
}

// testSearchRanksByTextNotTopics checks that a match ranks by its title,
// excerpt and publisher alone: two reports of one text rank equal (the
// last stored first) whichever carries more topics, a query word that
// names a topic finds no article for carrying it, and the topic filter
// still finds exactly the articles of its topic.
func testSearchRanksByTextNotTopics(t *testing.T, st store.Store) {
	many := []string{"Harbor"}
	for _, name := range []string{"Ports", "Shipping", "Council", "Budget", "Transport", "Labor", "Weather", "Tourism", "Fishing", "Zoning", "Congress"} {
		many = append(many, name)
	}
	for _, tc := range []struct {
		name          string
		first, second []string // the topics of the report stored first, then second
	}{
		{"more topics stored last", []string{"Harbor"}, many},
		{"more topics stored first", many, []string{"Harbor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slug := strings.ReplaceAll(tc.name, " ", "-")
			first := article(slug+"-a", "Pier vote passes after long night", hours(0), tc.first...)
			second := article(slug+"-b", "Pier vote passes after long night", hours(0), tc.second...)
			upsert(t, st, first)
			upsert(t, st, second)
			want := []string{second.Path, first.Path}
			if got := paths(search(t, st, store.SearchQuery{Text: "pier", Topic: "Harbor"}).Hits); !equalStrings(got, want) {
				t.Errorf("search pier in Harbor: %v\nwant the two of one text, the last stored first, %v", got, want)
			}
			// A topic's name the texts do not hold finds neither.
			if res := search(t, st, store.SearchQuery{Text: "pier congress"}); res.Total != 0 {
				t.Errorf("search pier congress: %d matches %v, want none: no text says congress", res.Total, paths(res.Hits))
			}
			var inTopic []string
			if len(tc.first) > 1 {
				inTopic = append(inTopic, first.Path)
			}
			if len(tc.second) > 1 {
				inTopic = append(inTopic, second.Path)
			}
			if got := paths(search(t, st, store.SearchQuery{Text: "pier", Topic: "Zoning"}).Hits); !equalStrings(got, inTopic) {
				t.Errorf("search pier in Zoning: %v, want %v", got, inTopic)
			}
			if err := st.Delete(context.Background(), first.Path, second.Path); err != nil {
				t.Fatal(err)
			}
		})
	}
}

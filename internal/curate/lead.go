package curate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"newshub/internal/model"
)

// RelatedHeat is what each related entry adds to a lead's heat.
const RelatedHeat = 20

// Heat is a lead's heat: quality + 20 × the length of its related list,
// at most the largest int: a quality a record carries may be that large,
// and the sum would wrap round to a negative heat that ranks it last.
func Heat(quality, related int) int {
	add := RelatedHeat * related
	if quality > math.MaxInt-add {
		return math.MaxInt
	}
	return quality + add
}

// compareLead orders the members of a story, the lead first: quality
// descending, then earliest published, then provider name, then canonical
// URL so the order is total.
func compareLead(a, b *model.Article) int {
	if c := cmp.Compare(b.Quality, a.Quality); c != 0 {
		return c
	}
	if c := a.PublishedDateTime.Compare(b.PublishedDateTime); c != 0 {
		return c
	}
	if c := compareFold(a.Provider.Name, b.Provider.Name); c != 0 {
		return c
	}
	return strings.Compare(KeyOf(a), KeyOf(b))
}

// Lead returns the member that leads a story: the first by compareLead
// of those that may be published (nil when none may).
func Lead(members []*model.Article) *model.Article {
	var lead *model.Article
	for _, a := range members {
		if !a.Publishable() {
			continue
		}
		if lead == nil || compareLead(a, lead) < 0 {
			lead = a
		}
	}
	return lead
}

// RelatedOf is the related entry that stands for an article.
func RelatedOf(a *model.Article) model.Related {
	url := a.WebURL
	if url == "" {
		url = a.OriginalURL
	}
	return model.Related{
		Title:             a.Title,
		Excerpt:           a.Excerpt,
		PublishedDateTime: a.PublishedDateTime,
		WebURL:            url,
		AmpWebURL:         a.AmpWebURL,
		CdnAmpWebURL:      a.CdnAmpWebURL,
		Type:              cmp.Or(a.Type, "article"),
		Provider:          model.Provider{Name: a.Provider.Name, Domain: a.Provider.Domain},
		Quality:           a.Quality,
		Images:            a.Images,
	}
}

// BuildRelated returns a lead's related list from candidate entries: one
// entry per canonical URL (the first given wins), never the lead itself,
// sorted by quality descending (then earliest published, then URL), at most
// limit entries.
func BuildRelated(lead *model.Article, candidates []model.Related, limit int) []model.Related {
	self := KeyOf(lead)
	seen := map[string]bool{self: true}
	if lead.WebURL != "" {
		seen[CanonicalURL(lead.WebURL)] = true
	}
	var out []model.Related
	for _, r := range candidates {
		k := CanonicalURL(r.WebURL)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b model.Related) int {
		if c := cmp.Compare(b.Quality, a.Quality); c != 0 {
			return c
		}
		if c := a.PublishedDateTime.Compare(b.PublishedDateTime); c != 0 {
			return c
		}
		return strings.Compare(a.WebURL, b.WebURL)
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	if cap(out) > len(out) {
		// The list stays with its lead while the batch is curated and
		// stored: without the room the candidates took.
		out = append(make([]model.Related, 0, len(out)), out...)
	}
	return out
}

// Settle applies the lifecycle rules to the members of one story with the
// lead Lead picks; see SettleLed.
func Settle(members []*model.Article, extra []model.Related, limit int) *model.Article {
	return SettleLed(members, Lead(members), extra, limit)
}

// SettleLed applies the lifecycle rules to the members of one story: the
// lead is published with the related list built from the other members
// that may be published and the extra candidates (which the caller has
// rid of withheld articles), and heat = quality + 20 × related; the others
// are unpublished with heat -1, list no withheld member as related, and a
// former lead among them keeps only the related entries that are members
// of the story. A nil lead (no
// member may be published) publishes none of them. It returns the lead.
func SettleLed(members []*model.Article, lead *model.Article, extra []model.Related, limit int) *model.Article {
	if lead != nil {
		others := slices.Clone(members)
		slices.SortStableFunc(others, compareLead)
		var cands []model.Related
		for _, a := range others {
			if a != lead && a.Publishable() {
				cands = append(cands, RelatedOf(a))
			}
		}
		cands = append(cands, extra...)
		if !lead.Published && lead.MemberRelated == nil && (lead.Heat == -1 || standsIn(members, lead)) {
			// A member made the lead, or an arrival that leads only while
			// a better member is withheld: its own list is listed again
			// when it is a member again (demote).
			whole := wholeRelated(lead)
			if whole == nil {
				whole = []model.Related{} // stored as [], not as none
			}
			lead.MemberRelated = &whole
		}
		lead.Related, lead.HeldRelated = BuildRelated(lead, cands, limit), nil
		lead.Published = true
		lead.Heat = Heat(lead.Quality, len(lead.Related))
	}
	keys := map[string]bool{}
	withheld := map[string]bool{}
	for _, a := range members {
		keys[KeyOf(a)] = true
		if !a.Publishable() {
			withheld[KeyOf(a)] = true
		}
	}
	for _, a := range members {
		if a == lead {
			continue
		}
		if a.Published {
			demote(a, keys)
		}
		// The related list a member's record carries (as imported)
		// names no withheld member either: its document is public.
		holdRelated(a, keys, withheld)
		a.Published = false
		a.Heat = -1
	}
	return lead
}

// demote gives a lead that is no longer one the related list of a member
// of its story (keys): the one it had as a member, when it was one before
// it led; else only the coverage of its own story, marked as curation's
// (CuratedRelated), so that neither the similar stories it listed nor its
// story as this run found it tie stories together later.
func demote(a *model.Article, keys map[string]bool) {
	if m := a.MemberRelated; m != nil {
		a.Related, a.HeldRelated, a.MemberRelated = nil, nil, nil
		if len(*m) > 0 {
			a.Related = slices.Clone(*m)
		}
		return
	}
	a.CuratedRelated = true
	var own []model.Related
	for _, r := range a.Related {
		if keys[CanonicalURL(r.WebURL)] {
			own = append(own, r)
		}
	}
	a.Related = own
}

// standsIn reports whether a member better than the lead is withheld.
func standsIn(members []*model.Article, lead *model.Article) bool {
	return slices.ContainsFunc(members, func(a *model.Article) bool {
		return a != lead && !a.Publishable() && compareLead(a, lead) < 0
	})
}

// wholeRelated is an article's related list with its held entries back
// where they were.
func wholeRelated(a *model.Article) []model.Related {
	if len(a.HeldRelated) == 0 {
		return slices.Clone(a.Related)
	}
	c := *a
	regroup(&c, func(string, bool) bool { return false })
	return c.Related
}

// holdRelated takes out of a member's related list the entries that name
// a withheld member of its story (withheld), and puts back where they were
// those it took out before that name a member (keys) no longer withheld:
// a hide taken back, a show or a block lifted lists the article again as
// the list had it, and so does an article moved back into the story
// (pruneOthers holds the entries of one moved out).
func holdRelated(a *model.Article, keys, withheld map[string]bool) {
	if len(a.HeldRelated) == 0 && !slices.ContainsFunc(a.Related, func(r model.Related) bool {
		return withheld[CanonicalURL(r.WebURL)]
	}) {
		return
	}
	// One held that names an article in another story (or gone from the
	// hub) stays held: the list names its story's coverage.
	regroup(a, func(k string, held bool) bool { return withheld[k] || held && !keys[k] })
}

// regroup sorts a related list and its held entries anew: the whole list,
// each held entry back at its place, is split into the entries hold
// (given each one's key and whether it was held) says to hold and the
// others, listed in their order.
func regroup(a *model.Article, hold func(key string, held bool) bool) {
	type entry struct {
		model.Related
		held bool
	}
	whole := make([]entry, 0, len(a.Related)+len(a.HeldRelated))
	held, listed := a.HeldRelated, a.Related
	for len(held) > 0 || len(listed) > 0 {
		if len(held) > 0 && (held[0].At <= len(whole) || len(listed) == 0) {
			whole = append(whole, entry{held[0].Related, true})
			held = held[1:]
			continue
		}
		whole = append(whole, entry{listed[0], false})
		listed = listed[1:]
	}
	a.Related, a.HeldRelated = nil, nil
	for i, e := range whole {
		if hold(CanonicalURL(e.WebURL), e.held) {
			a.HeldRelated = append(a.HeldRelated, model.HeldRelated{At: i, Related: e.Related})
			continue
		}
		a.Related = append(a.Related, e.Related)
	}
}

// pruneOthers holds out of the related lists of a story's members other
// than its lead the entries that name an article the hub holds (held
// reports it) in another story: one an editor or the clusterer moved out
// since the list was made. Such a list is published with the member's own
// document and lists the coverage of its story, as a demoted lead's does;
// coverage the hub does not hold (Smartable's lists name it) stays. An
// entry held comes back where it was when its article joins the story
// again (holdRelated).
func pruneOthers(members []*model.Article, lead *model.Article, held func(key string) bool) {
	keys := make(map[string]bool, len(members))
	for _, a := range members {
		keys[KeyOf(a)] = true
	}
	for _, a := range members {
		if a == lead || len(a.Related) == 0 {
			continue
		}
		elsewhere := func(r model.Related) bool {
			k := CanonicalURL(r.WebURL)
			return !keys[k] && held(k)
		}
		if slices.ContainsFunc(a.Related, elsewhere) {
			regroup(a, func(k string, wasHeld bool) bool { return wasHeld || !keys[k] && held(k) })
		}
	}
}

// heatExplain says how an article's heat was reached.
func heatExplain(a *model.Article, lead *model.Article) string {
	return line(heatWords(a, lead))
}

func heatWords(a *model.Article, lead *model.Article) string {
	if a.Published {
		return fmt.Sprintf("%d + %d x %d related = %d", a.Quality, RelatedHeat, len(a.Related), a.Heat)
	}
	if a.Withheld != "" {
		return fmt.Sprintf("%d: withheld from publication (%s), so never a lead", a.Heat, a.Withheld)
	}
	if lead != nil && lead != a {
		return fmt.Sprintf("-1: not the lead of its story (the lead is %q, quality %d)", lead.Title, lead.Quality)
	}
	return fmt.Sprintf("%d: not published", a.Heat)
}

// Recency decay of the top-stories ranking: a story's heat is divided by
// (1 + age/DecayHalfDay)^DecayPower, so a day-old story needs 2^1.5 ≈ 2.8
// times the heat of a fresh one to rank beside it.
const (
	DecayHalfDay = 24 * time.Hour
	DecayPower   = 1.5
)

// RankScore is the ranking score of a lead at time now:
// heat / (1 + age_hours/24)^1.5, with a future publication time counted as
// age zero, a negative heat as zero, and a missing time as very old.
func RankScore(a *model.Article, now time.Time) float64 {
	age := now.Sub(a.PublishedDateTime)
	if age < 0 {
		age = 0
	}
	heat := float64(max(a.Heat, 0))
	return heat / math.Pow(1+age.Hours()/DecayHalfDay.Hours(), DecayPower)
}

// Rank orders leads for "top stories": those an editor pinned (PinnedAt
// now) first, then by RankScore descending, then newest first, then
// canonical URL. It returns a new slice.
func Rank(leads []*model.Article, now time.Time) []*model.Article {
	type scored struct {
		a *model.Article
		s float64
	}
	list := make([]scored, 0, len(leads))
	for _, a := range leads {
		if a != nil {
			list = append(list, scored{a, RankScore(a, now)})
		}
	}
	slices.SortStableFunc(list, func(x, y scored) int {
		if px, py := x.a.PinnedAt(now), y.a.PinnedAt(now); px != py {
			if px {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(y.s, x.s); c != 0 {
			return c
		}
		if c := y.a.PublishedDateTime.Compare(x.a.PublishedDateTime); c != 0 {
			return c
		}
		return strings.Compare(KeyOf(x.a), KeyOf(y.a))
	})
	out := make([]*model.Article, len(list))
	for i, s := range list {
		out[i] = s.a
	}
	return out
}

// compareFold compares two strings as strings.Compare compares them in
// lower case, without lowering copies of ASCII ones: it orders every pair
// of members a story's lead is chosen among.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x >= utf8.RuneSelf || y >= utf8.RuneSelf {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return cmp.Compare(x, y)
		}
	}
	// Lowering keeps every character, so the longer stays the longer.
	return cmp.Compare(len(a), len(b))
}

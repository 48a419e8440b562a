package scope

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// topicWords are the vocabularies of a few news topics, for synthetic
// streams: each article draws most of its words from its topic and the
// rest from common news words.
var topicWords = map[string][]string{
	"space": strings.Fields(`NASA rocket launch orbit astronaut astronauts Mars moon lunar spacecraft
		satellite satellites telescope galaxy planet planets asteroid comet probe mission crew
		station orbiter lander rover Jupiter Saturn solar eclipse cosmic astronomers astronomy
		SpaceX booster capsule spacewalk Hubble exoplanet meteor launchpad payload`),
	"football": strings.Fields(`goal goals striker midfielder defender keeper penalty league club
		coach season match derby cup final transfer winger fans stadium referee draw win
		victory defeat champions relegation scored header tackle squad injury fixture
		playoff semifinal kickoff captain manager dressing`),
	"markets": strings.Fields(`shares stocks investors earnings profit revenue quarter dividend
		bonds yields inflation bank banks interest rates traders index futures oil prices
		merger acquisition IPO analysts forecast outlook sales retail billion million
		economy growth recession currency dollar euro`),
	"cooking": strings.Fields(`recipe recipes bake baking oven flour sugar butter garlic onion
		sauce pasta salad soup roast chicken vegetables spices chef kitchen dessert
		chocolate bread dough simmer grill seasoning dinner lunch breakfast cookbook
		ingredients tomato lemon herbs`),
	"politics": strings.Fields(`senate senator congress parliament minister president election
		vote voters campaign ballot party lawmakers bill law policy governor mayor
		coalition opposition debate referendum cabinet diplomat treaty summit sanctions
		protest reform budget veto`),
}

var commonWords = strings.Fields(`said new report week today after year people first says
	could more plans amid over says according officials latest update major big
	early late city country world national local times day`)

// synthArticle is a generated article and the topic it was drawn from.
type synthArticle struct {
	Article
	topic string
}

// synthStream returns n articles over the topics, a fraction share of
// them on topic, in an order set by the seed. With sections, their URLs
// file them under their topic, as many sites do.
func synthStream(n int, on string, share float64, seed uint64, sections bool) []synthArticle {
	r := rand.New(rand.NewPCG(seed, 7))
	var others []string
	for t := range topicWords {
		if t != on {
			others = append(others, t)
		}
	}
	slices.Sort(others) // the same stream from the same seed
	words := func(topic string, k int) string {
		var b []string
		for i := 0; i < k; i++ {
			if r.IntN(4) == 0 {
				b = append(b, commonWords[r.IntN(len(commonWords))])
			} else {
				pool := topicWords[topic]
				b = append(b, pool[r.IntN(len(pool))])
			}
		}
		return strings.Join(b, " ")
	}
	out := make([]synthArticle, n)
	for i := range out {
		topic := on
		if r.Float64() >= share {
			topic = others[r.IntN(len(others))]
		}
		title := words(topic, 6+r.IntN(5))
		site := r.IntN(8)
		path := fmt.Sprintf("/%d/%02d/story-%d", 2020+r.IntN(5), 1+r.IntN(12), i)
		if sections {
			path = "/" + topic + path
		}
		out[i] = synthArticle{topic: topic, Article: Article{
			Title:    strings.ToUpper(title[:1]) + title[1:],
			Excerpt:  words(topic, 15+r.IntN(20)) + ".",
			URL:      fmt.Sprintf("https://news%d.example%s", site, path),
			Provider: fmt.Sprintf("news%d.example", site),
		}}
	}
	return out
}

package scope

import "strings"

// stopWords are English function words: the Snowball project's English
// stop list without its contractions (the tokenizer drops a contraction's
// ending and the whole of a negated one: "she'll" reads "she", "don't"
// nothing), and a few more modal and function words of the same kind. They
// carry grammar, not subject, so the text model skips them and a keyword
// that is one cannot select anything.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		i me my myself we our ours ourselves you your yours yourself yourselves
		he him his himself she her hers herself it its itself they them their
		theirs themselves what which who whom this that these those am is are
		was were be been being have has had having do does did doing would
		should could ought a an the and but if or because as until while of at
		by for with about against between into through during before after
		above below to from up down in out on off over under again further then
		once here there when where why how all any both each few more most
		other some such no nor not only own same so than too very
		also cannot may might must shall upon yet us`) {
		m[w] = true
	}
	return m
}()

// stopHashes are the stop words' hashes, as the tokenizer sees them.
var stopHashes = func() map[uint64]bool {
	m := make(map[uint64]bool, len(stopWords))
	for w := range stopWords {
		m[hashBytes(fnvOffset, []byte(w))] = true
	}
	return m
}()

// IsStopWord reports whether w is an English function word, in any case.
func IsStopWord(w string) bool { return stopWords[strings.ToLower(w)] }

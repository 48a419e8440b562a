package publish

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// affiliationHub holds a profile that names the organization its person
// works for and a LinkedIn account, as Smartable's later hubs write them,
// and YouTube and Facebook accounts, as its earlier ones did, and one
// that names none of them.
var affiliationHub = map[string]string{
	"_config.yml": "title: People\nurl: https://example.org\nbaseurl: \"/hub\"\nwebUrl: https://example.org/apps/hub\n" +
		"locale: \"en-us\"\ntopic: Forms\ntimezone: UTC\n",
	"_data/topics/00-forms.yaml": "taxonomy: topic\n_id: forms\nname: Forms\nkeywords:\n  - forms\n",
	"_people/mira-okafor.md": "---\nname: \"Mira Okafor\"\nbio: \"Builds forms apps for field crews\"\nlocation: Dayton, OH\n" +
		"type: \"profile\"\nheat: 87\n\n" +
		"affiliation:\n  name: Contoso\n  domain: contoso.com\n  images:\n" +
		"    - url: \"/assets/images/organizations/contoso.com-50x50.jpg\"\n      width: 50\n      height: 50\n\n" +
		"twitter:\n  username: miraokafor\n  url: https://twitter.com/miraokafor\n  followers: 4312\n\n" +
		"linkedin:\n  url: https://www.linkedin.com/in/mira-okafor\n\n" +
		"youtube:\n  url: https://www.youtube.com/user/miraokafor\n  subscribers: 679\n\n" +
		"facebook:\n  url: https://www.facebook.com/miraokafor\n\n" +
		"topics:\n  - Forms\n\n---\n\n",
	"_people/theo-brandt.md": "---\nname: \"Theo Brandt\"\nbio: \"Consultant\"\ntype: \"profile\"\nheat: 12\n\n" +
		"topics:\n  - Forms\n\n---\n\n",
}

// TestPersonAffiliationAndAccountsArePublished builds affiliationHub: the
// profile's LinkedIn account and affiliation are published after its
// twitter account, in the list and in its own document, as Smartable's
// people documents gave them (the affiliation with an empty path and its
// logo's isCached false; newshub gives the logo's address absolute, as
// every other), its YouTube account (with its subscribers) and Facebook
// account between them, in the record's order; a profile naming none
// has none of the keys.
func TestPersonAffiliationAndAccountsArePublished(t *testing.T) {
	out := buildHub(t, affiliationHub, time.Date(2021, 1, 21, 12, 0, 0, 0, time.UTC))
	read := func(doc string) []byte { return readAPI(t, out, doc) }
	const want = `"twitter":{"username":"miraokafor","url":"https://twitter.com/miraokafor","followers":4312},` +
		`"linkedin":{"url":"https://www.linkedin.com/in/mira-okafor"},` +
		`"youtube":{"url":"https://www.youtube.com/user/miraokafor","subscribers":679},` +
		`"facebook":{"url":"https://www.facebook.com/miraokafor"},` +
		`"affiliation":{"path":"","name":"Contoso","domain":"contoso.com","images":[` +
		`{"url":"https://example.org/hub/assets/images/organizations/contoso.com-50x50.jpg","width":50,"height":50,"isCached":false}]},` +
		`"topics":`
	compact := func(data []byte) string {
		t.Helper()
		var b bytes.Buffer
		if err := json.Compact(&b, data); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, doc := range []string{"people/mira-okafor/index.json", "people/index.json"} {
		if got := compact(read(doc)); !bytes.Contains([]byte(got), []byte(want)) {
			t.Errorf("%s lacks\n%s\nin\n%s", doc, want, got)
		}
	}
	var other map[string]json.RawMessage
	if err := json.Unmarshal(read("people/theo-brandt/index.json"), &other); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"linkedin", "youtube", "facebook", "affiliation"} {
		if _, ok := other[k]; ok {
			t.Errorf("a profile without %s has the key", k)
		}
	}
}

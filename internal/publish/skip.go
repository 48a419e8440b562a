package publish

import (
	"newshub/internal/content"
	"newshub/internal/site"
)

// Skip is a record the view leaves out because no page or document could
// be written for it: its site path, or a topic's _id, cannot name a file
// or folder of the static build. Import refuses such names; a record can
// still reach the store another way (an older store, a copy), and one bad
// name must not stop a build.
type Skip struct {
	Path   string // the record's site path, or "topic <_id>"
	Reason string
}

// Skipped lists the records the view leaves out, with why.
func (v *View) Skipped() []Skip { return v.skipped }

// skip records r's path as left out for err; the caller holds the view's
// lock where loading is concurrent.
func (v *View) skip(path string, err error) {
	v.skipped = append(v.skipped, Skip{Path: path, Reason: err.Error()})
}

// placeableTopics returns s, or a copy without the topics whose _id
// cannot name a folder, and those left out.
func placeableTopics(s *site.Site) (*site.Site, []Skip) {
	var skipped []Skip
	keep := s.Topics[:0:0]
	for _, t := range s.Topics {
		if err := content.CheckTopicID(t.ID); err != nil {
			skipped = append(skipped, Skip{Path: "topic " + t.ID, Reason: err.Error()})
			continue
		}
		keep = append(keep, t)
	}
	if len(skipped) == 0 {
		return s, nil
	}
	cp := *s
	cp.Topics = keep
	return &cp, skipped
}

package model

import "testing"

// TestProviderMakersAreNotShared checks that setting the publishers or
// authors of a copy of a provider leaves the original's as they were, and
// that a provider naming none holds no Makers.
func TestProviderMakersAreNotShared(t *testing.T) {
	var p Provider
	p.SetPublishers(nil)
	if p.Makers != nil {
		t.Fatalf("no publishers made %+v", p.Makers)
	}
	p.SetPublishers([]Party{{Name: "Example University"}})
	cp := p
	cp.SetAuthors([]Party{{Name: "T. H. Example"}})
	cp.SetPublishers(nil)
	if got := p.PublisherList(); len(got) != 1 || got[0].Name != "Example University" || p.AuthorList() != nil {
		t.Errorf("the original's makers changed with its copy's: publishers %v, authors %v", got, p.AuthorList())
	}
	if got := cp.AuthorList(); len(got) != 1 || cp.PublisherList() != nil {
		t.Errorf("the copy's makers: publishers %v, authors %v", cp.PublisherList(), got)
	}
	cp.SetAuthors(nil)
	if cp.Makers != nil {
		t.Errorf("a provider left with no makers holds %+v", cp.Makers)
	}
}

package admin

import (
	"fmt"
	"net/http"
	"strconv"

	"newshub/internal/model"
)

// pager is the page of a long list a page shows (?page=, from 1), as the
// "pager" template links it.
type pager struct {
	Page, Pages      int
	Total, Per       int
	PrevPage, NextPg int
	// Q is the search the list was filtered by, kept in the links.
	Q string
	// PrevText and NextText are the links' words: "Newer" and "Older"
	// when empty, for the lists shown newest first.
	PrevText, NextText string
}

// offset is the index of the page's first item.
func (p pager) offset() int { return (p.Page - 1) * p.Per }

// pageOf returns the page of a list of total items, per a page, that r
// asks for; when there is no such page it answers and returns false.
func (h *Handler) pageOf(w http.ResponseWriter, r *http.Request, s session, what string, total, per int) (pager, bool) {
	p := pager{Page: 1, Pages: max((total+per-1)/per, 1), Total: total, Per: per}
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			h.fail(w, r, s, http.StatusBadRequest, fmt.Sprintf("There is no page %s of the %s: pages are numbered from 1.", model.Quoted(v), what))
			return pager{}, false
		}
		p.Page = n
	}
	if p.Page > p.Pages {
		// Checked before the offset is reckoned, which a page number
		// far past the end would overflow into the first pages.
		h.fail(w, r, s, http.StatusNotFound, fmt.Sprintf("There is no page %d of the %s: the last is page %d.", p.Page, what, p.Pages))
		return pager{}, false
	}
	if p.Page > 1 {
		p.PrevPage = p.Page - 1
	}
	if p.Page < p.Pages {
		p.NextPg = p.Page + 1
	}
	return p, true
}

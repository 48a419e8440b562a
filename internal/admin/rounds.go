package admin

import (
	"net/http"

	"newshub/internal/ingest"
)

// roundsShown is how many of the logged rounds the page lists.
const roundsShown = 100

func (h *Handler) roundsPage(w http.ResponseWriter, r *http.Request, s session) {
	rounds, err := ingest.Rounds(r.Context(), h.cfg.Store, roundsShown)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	h.show(w, r, s, "rounds", "Ingest rounds", rounds)
}

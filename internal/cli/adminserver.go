package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"newshub/internal/admin"
	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/metrics"
	"newshub/internal/model"
	"newshub/internal/server"
	"newshub/internal/site"
	"newshub/internal/store"
)

// adminArea is the admin area as serve mounts it: its handler, and the
// handler of the website's assets its pages link to.
type adminArea struct {
	admin, assets http.Handler
}

// newAdminArea makes the admin area of a hub: accounts from the site
// folder, decisions appended to its log and applied with the site
// configuration in force. An outage of the store is logged by outage, which
// the rest of the server shares.
func newAdminArea(st store.Store, siteDir, baseURL string, hub func() *site.Site, assets http.Handler, log *slog.Logger, outage *store.Outage) (*adminArea, error) {
	h, err := admin.New(admin.Config{Store: st, SiteDir: siteDir, Editor: hubEditor(st, siteDir, hub),
		BaseURL: baseURL, Logger: log, Outage: outage})
	if err != nil {
		return nil, err
	}
	return &adminArea{admin: h, assets: assets}, nil
}

// hubEditor takes editorial decisions as `newshub edit` does: appended to
// the site folder's log, then applied to the stored stories they touch.
func hubEditor(st store.Store, siteDir string, hub func() *site.Site) *editorial.Editor {
	return editorial.NewEditor(st, siteDir, func(ctx context.Context, ds []model.Decision) error {
		if _, err := curate.New(hub(), st, curate.Options{SiteDir: siteDir}).Apply(ctx, ds); err != nil {
			return err
		}
		return refreshNewsletters(ctx, st, siteDir, nil)
	})
}

// mountAdmin serves the admin area under /admin/ beside public.
func mountAdmin(public http.Handler, area *adminArea) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(admin.Prefix, area.admin)
	mux.Handle("/", public)
	return mux
}

// startAdminServer serves /metrics, /healthz and /readyz on addr, a
// listener apart from the public site's (--admin-addr), until stop is
// called. Each request is measured under its route. With area set, the
// admin area is served there too, with the website's /assets/ its pages
// link to.
func startAdminServer(addr string, m *metrics.Metrics, ready []metrics.Check, area *adminArea, out io.Writer, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--admin-addr: %w", addrTaken(err, "--admin-addr"))
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.InstrumentRoute("metrics", m.Handler()))
	mux.Handle("/healthz", m.InstrumentRoute("healthz", metrics.Healthz()))
	mux.Handle("/readyz", m.InstrumentRoute("readyz", metrics.Readyz(ready...)))
	if area != nil {
		mux.Handle(admin.Prefix, m.InstrumentRoute("admin", area.admin))
		mux.Handle("/assets/", m.InstrumentRoute("assets", area.assets))
	}
	srv := server.NewHTTPServer(mux, log)
	go srv.Serve(ln)
	fmt.Fprintf(out, "admin http://%s/\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

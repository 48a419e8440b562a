package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"newshub/internal/metrics"
)

// startAdminServer serves /metrics, /healthz and /readyz on addr, a
// listener apart from the public site's (--admin-addr), until stop is
// called. Each request is measured under its route.
func startAdminServer(addr string, m *metrics.Metrics, ready []metrics.Check, out io.Writer, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--admin-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.InstrumentRoute("metrics", m.Handler()))
	mux.Handle("/healthz", m.InstrumentRoute("healthz", metrics.Healthz()))
	mux.Handle("/readyz", m.InstrumentRoute("readyz", metrics.Readyz(ready...)))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go srv.Serve(ln)
	fmt.Fprintf(out, "admin http://%s/\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

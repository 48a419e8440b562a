package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OtherRoute is the route of a request its classifier names no declared
// route for.
const OtherRoute = "other"

// Status codes a route keeps a counter for each; any other is counted
// under "other".
const minCode, maxCode = 100, 599

// Route measures the requests of one route: their count by status code
// and their latency. Its counters are looked up once, not per request.
type Route struct {
	m       *Metrics
	name    string
	latency prometheus.Observer
	codes   [maxCode - minCode + 2]atomic.Pointer[prometheus.Counter] // the last one: other codes
}

// Route returns the route called name, made on first use. Names are
// labels: take them from a fixed set, never from the request's path.
func (m *Metrics) Route(name string) *Route {
	if m == nil {
		return nil
	}
	m.routesMu.Lock()
	defer m.routesMu.Unlock()
	if r := m.routes[name]; r != nil {
		return r
	}
	r := &Route{m: m, name: name, latency: m.httpLatency.WithLabelValues(name)}
	m.routes[name] = r
	return r
}

// Observe counts one request answered with code after d.
func (r *Route) Observe(code int, d time.Duration) {
	if r == nil {
		return
	}
	r.latency.Observe(d.Seconds())
	r.counter(code).Inc()
}

func (r *Route) counter(code int) prometheus.Counter {
	i, label := len(r.codes)-1, "other"
	if code >= minCode && code <= maxCode {
		i = code - minCode
	}
	if c := r.codes[i].Load(); c != nil {
		return *c
	}
	if i < len(r.codes)-1 {
		label = strconv.Itoa(code)
	}
	c := r.m.httpRequests.WithLabelValues(r.name, label)
	r.codes[i].Store(&c)
	return c
}

// InstrumentRoute measures every request next answers as the route name.
func (m *Metrics) InstrumentRoute(name string, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	r := m.Route(name)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		serve(r, next, w, req)
	})
}

// Middleware measures each request as the route classify names, one of
// routes; a name not among them counts as OtherRoute. However many paths
// are asked for, the route label keeps at most len(routes)+1 values.
func (m *Metrics) Middleware(routes []string, classify func(*http.Request) string, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	known := make(map[string]*Route, len(routes))
	for _, name := range routes {
		known[name] = m.Route(name)
	}
	other := m.Route(OtherRoute)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r := known[classify(req)]
		if r == nil {
			r = other
		}
		serve(r, next, w, req)
	})
}

func serve(r *Route, next http.Handler, w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	rec := recorders.Get().(*recorder)
	rec.ResponseWriter, rec.code = w, 0
	defer func() {
		// A handler that panicked before writing answers 500 (net/http
		// drops the connection); the panic goes on once counted.
		v := recover()
		code := rec.code
		if code == 0 {
			code = http.StatusOK
			if v != nil {
				code = http.StatusInternalServerError
			}
		}
		r.Observe(code, time.Since(start))
		rec.ResponseWriter = nil
		recorders.Put(rec)
		if v != nil {
			panic(v)
		}
	}()
	next.ServeHTTP(rec, req)
}

var recorders = sync.Pool{New: func() any { return new(recorder) }}

// recorder notes the status code of an answer.
type recorder struct {
	http.ResponseWriter
	code int
}

func (w *recorder) WriteHeader(code int) {
	// 1xx answers are interim: the final code comes after.
	if w.code == 0 && code >= 200 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush flushes the answer where the writer underneath can.
func (w *recorder) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap gives http.ResponseController the writer underneath.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

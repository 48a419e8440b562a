// Command loadgen is a small HTTP load generator for newshub's benchmarks,
// used where wrk is not installed: C connections send GET requests for a
// duration and it prints requests per second and latency percentiles.
//
//	go run ./bench/loadgen -c 64 -d 10s http://127.0.0.1:8080/api/news/topic/
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	conns := flag.Int("c", 64, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	gz := flag.Bool("gzip", false, "ask for gzip")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: loadgen [-c N] [-d DURATION] [-gzip] URL")
		os.Exit(2)
	}
	url := flag.Arg(0)
	tr := &http.Transport{
		MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()

	var mu sync.Mutex
	var lat []time.Duration
	var errs, bytes int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var myErrs, myBytes int64
			for ctx.Err() == nil {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				if *gz {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						myErrs++
					}
					continue
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					myErrs++
					continue
				}
				mine = append(mine, time.Since(t0))
				myBytes += n
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += myErrs
			bytes += myBytes
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Printf("requests %d in %s, errors %d\n", len(lat), elapsed.Round(time.Millisecond), errs)
	fmt.Printf("rps %.0f\n", float64(len(lat))/elapsed.Seconds())
	fmt.Printf("p50 %s p99 %s max %s\n", pct(0.50), pct(0.99), pct(1))
	fmt.Printf("MB/s %.1f\n", float64(bytes)/elapsed.Seconds()/1e6)
}

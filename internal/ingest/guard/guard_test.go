package guard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestCheckClassifiesAddresses(t *testing.T) {
	tests := []struct {
		addr    string
		allowed bool
	}{
		{"93.184.216.34", true},
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"127.0.0.1", false},
		{"127.255.0.9", false},
		{"::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.1.1", false},
		{"169.254.169.254", false},
		{"100.64.0.1", false},
		{"100.127.255.254", false},
		{"100.128.0.1", true},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"255.255.255.255", false},
		{"198.18.0.1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"fe80::1", false},
		{"ff02::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::7f00:1", false},  // NAT64 form of 127.0.0.1
		{"64:ff9b::808:808", true},  // NAT64 form of 8.8.8.8
		{"2002:7f00:1::", false},    // 6to4 form of 127.0.0.1
		{"2002:c0a8:101::1", false}, // 6to4 form of 192.168.1.1
		{"fe80::1%eth0", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := Check(netip.MustParseAddr(tt.addr))
			if got := err == nil; got != tt.allowed {
				t.Fatalf("Check(%s) allowed = %v, want %v (err %v)", tt.addr, got, tt.allowed, err)
			}
			if err != nil && !errors.Is(err, ErrRefused) {
				t.Fatalf("Check(%s) error %v does not wrap ErrRefused", tt.addr, err)
			}
		})
	}
}

func TestControlRejectsUnparsableAddress(t *testing.T) {
	if err := Control("tcp", "not-an-address", nil); !errors.Is(err, ErrRefused) {
		t.Fatalf("Control on garbage = %v, want ErrRefused", err)
	}
}

func TestDialerRefusesLoopbackServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("secret"))
	}))
	defer srv.Close()

	for _, allow := range []bool{false, true} {
		d := Dialer(2*time.Second, allow)
		client := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		cancel()
		if allow {
			if err != nil {
				t.Fatalf("allowPrivate: %v", err)
			}
			resp.Body.Close()
			continue
		}
		if err == nil {
			resp.Body.Close()
			t.Fatal("guarded dialer reached a loopback server")
		}
		if !errors.Is(err, ErrRefused) {
			t.Fatalf("guarded dialer error = %v, want ErrRefused", err)
		}
		var opErr *net.OpError
		if !errors.As(err, &opErr) {
			t.Logf("error type %T", err)
		}
	}
}

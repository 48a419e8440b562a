package guard

import (
	"errors"
	"net/netip"
	"testing"
)

// TestCheckJudgesIPv6FormsByTheAddressTheyCarry covers every way an IPv6
// address can carry an IPv4 one (or stand for a local network): each form
// holding a loopback or private IPv4 address is refused, the same form
// holding a public one is judged as that address, and prefixes for local
// use only are refused whatever they hold.
func TestCheckJudgesIPv6FormsByTheAddressTheyCarry(t *testing.T) {
	tests := []struct {
		form, addr string
		allowed    bool
	}{
		{"IPv4-mapped ::ffff:0:0/96", "::ffff:127.0.0.1", false},
		{"IPv4-mapped ::ffff:0:0/96", "::ffff:7f00:1", false},
		{"IPv4-mapped ::ffff:0:0/96", "::ffff:a00:1", false},
		{"IPv4-mapped ::ffff:0:0/96", "::ffff:169.254.169.254", false},
		{"IPv4-mapped ::ffff:0:0/96", "::ffff:0.0.0.0", false},
		{"IPv4-mapped ::ffff:0:0/96", "::ffff:8.8.8.8", true},
		{"IPv4-translated ::ffff:0:0:0/96", "::ffff:0:7f00:1", false},
		{"IPv4-translated ::ffff:0:0:0/96", "::ffff:0:a00:1", false},
		{"IPv4-translated ::ffff:0:0:0/96", "::ffff:0:c0a8:101", false},
		{"IPv4-translated ::ffff:0:0:0/96", "::ffff:0:a9fe:a9fe", false},
		{"IPv4-translated ::ffff:0:0:0/96", "::ffff:0:808:808", true},
		{"IPv4-compatible ::/96", "::7f00:1", false},
		{"IPv4-compatible ::/96", "::a00:1", false},
		{"NAT64 64:ff9b::/96", "64:ff9b::7f00:1", false},
		{"NAT64 64:ff9b::/96", "64:ff9b::10.1.2.3", false},
		{"NAT64 64:ff9b::/96", "64:ff9b::c0a8:101", false},
		{"NAT64 64:ff9b::/96", "64:ff9b::a9fe:a9fe", false},
		{"NAT64 64:ff9b::/96", "64:ff9b::808:808", true},
		{"local-use NAT64 64:ff9b:1::/48", "64:ff9b:1::7f00:1", false},
		{"local-use NAT64 64:ff9b:1::/48", "64:ff9b:1::a00:1", false},
		{"local-use NAT64 64:ff9b:1::/48", "64:ff9b:1:7f00:1::", false},
		{"local-use NAT64 64:ff9b:1::/48", "64:ff9b:1::808:808", false},
		{"local-use NAT64 64:ff9b:1::/48", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", false},
		{"6to4 2002::/16", "2002:7f00:1::1", false},
		{"6to4 2002::/16", "2002:a00:1::", false},
		{"6to4 2002::/16", "2002:c0a8:101:1::1", false},
		{"6to4 2002::/16", "2002:a9fe:a9fe::1", false},
		{"6to4 2002::/16", "2002:808:808::1", true},
		{"Teredo 2001::/32", "2001:0:4136:e378:8000:63bf:80ff:fffe", false}, // client 127.0.0.1
		{"Teredo 2001::/32", "2001:0:7f00:1::1", false},                     // server 127.0.0.1
		{"Teredo 2001::/32", "2001:0:808:808:8000:63bf:f7f7:f7f7", false},   // public, still a tunnel
		{"ISATAP ::0:5efe:0:0/96", "2a00:1450:4001:800:0:5efe:7f00:1", false},
		{"ISATAP ::200:5efe:0:0/96", "2a00:1450:4001:800:200:5efe:a00:1", false},
		{"ISATAP ::0:5efe:0:0/96", "2a00:1450:4001:800:0:5efe:c0a8:101", false},
		{"ISATAP ::0:5efe:0:0/96", "2a00:1450:4001:800:0:5efe:808:808", true},
		{"with a zone", "64:ff9b:1::a00:1%eth0", false},
		{"with a zone", "::ffff:0:7f00:1%1", false},
		{"public IPv6", "2a00:1450:4001:800::200e", true},
	}
	for _, tt := range tests {
		t.Run(tt.form+"/"+tt.addr, func(t *testing.T) {
			err := Check(netip.MustParseAddr(tt.addr))
			if got := err == nil; got != tt.allowed {
				t.Fatalf("Check(%s) allowed = %v, want %v (err %v)", tt.addr, got, tt.allowed, err)
			}
			if err != nil && !errors.Is(err, ErrRefused) {
				t.Fatalf("Check(%s) error %v does not wrap ErrRefused", tt.addr, err)
			}
			// The dialer sees the resolved address as "[ip]:port".
			cerr := Control("tcp6", netip.AddrPortFrom(netip.MustParseAddr(tt.addr), 443).String(), nil)
			if (cerr == nil) != tt.allowed {
				t.Fatalf("Control(%s) = %v, want allowed %v", tt.addr, cerr, tt.allowed)
			}
		})
	}
}

// TestDialerAllowsEveryFormOnAPrivateNetwork checks allow_private_networks
// turns the check off for embedded forms too: the dialer has no Control.
func TestDialerAllowsEveryFormOnAPrivateNetwork(t *testing.T) {
	if d := Dialer(0, true); d.Control != nil {
		t.Fatal("allowPrivate dialer still checks addresses")
	}
	if d := Dialer(0, false); d.Control == nil {
		t.Fatal("guarded dialer has no Control")
	}
}

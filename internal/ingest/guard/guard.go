// Package guard keeps ingest from reaching addresses it must not: after a
// host name is resolved, a connection to a loopback, private, link-local,
// multicast, unspecified or otherwise reserved address is refused. The
// check runs in the dialer, so it covers every redirect and every address a
// name resolves to, and a DNS answer cannot slip past it.
package guard

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrRefused is wrapped by every error of a refused address.
var ErrRefused = errors.New("address refused by the network guard")

// hint says how a hub that means to fetch such an address lets it.
const hint = "allow_private_networks: true in _config.yml lets the hub fetch it"

// blocked lists the ranges no fetch may reach. The IPv6 forms that carry
// an IPv4 address (mapped, translated, NAT64, 6to4, ISATAP) are unwrapped
// before the check, so they are judged by the IPv4 address they carry;
// prefixes for local use only are refused whatever they hold.
var blocked = mustPrefixes(
	// IPv4
	"0.0.0.0/8",       // "this network", includes the unspecified address
	"10.0.0.0/8",      // private
	"100.64.0.0/10",   // carrier-grade NAT
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local (and cloud metadata services)
	"172.16.0.0/12",   // private
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation
	"192.88.99.0/24",  // 6to4 relay anycast
	"192.168.0.0/16",  // private
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation
	"203.0.113.0/24",  // documentation
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, includes broadcast
	// IPv6
	"::/128",         // unspecified
	"::1/128",        // loopback
	"::/96",          // IPv4-compatible (deprecated)
	"64:ff9b:1::/48", // local-use IPv4/IPv6 translation (RFC 8215)
	"100::/64",       // discard-only
	"2001::/32",      // Teredo: a tunnel to whatever IPv4 address it names
	"2001:2::/48",    // benchmarking
	"2001:10::/28",   // ORCHID (deprecated)
	"2001:db8::/32",  // documentation
	"3fff::/20",      // documentation
	"5f00::/16",      // segment routing identifiers
	"fc00::/7",       // unique local (private)
	"fe80::/10",      // link-local
	"fec0::/10",      // site-local (deprecated)
	"ff00::/8",       // multicast
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	translated = netip.MustParsePrefix("::ffff:0:0:0/96") // SIIT, RFC 2765
	sixToFour  = netip.MustParsePrefix("2002::/16")
)

// Check returns nil when ip is a public address a fetch may reach, and an
// error wrapping ErrRefused otherwise.
func Check(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrRefused)
	}
	orig := ip
	ip = embeddedIPv4(ip.WithZone(""))
	for _, p := range blocked {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is in %s (%s)", ErrRefused, orig, p, hint)
		}
	}
	// The standard library's own classification catches anything the
	// table misses (e.g. interface-local multicast).
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsMulticast() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return fmt.Errorf("%w: %s is not a public address (%s)", ErrRefused, orig, hint)
	}
	return nil
}

// embeddedIPv4 returns the IPv4 address carried by an IPv4-mapped,
// IPv4-translated, NAT64, 6to4 or ISATAP IPv6 address, or ip itself.
// (Teredo and IPv4-compatible addresses are refused whole, see blocked.)
func embeddedIPv4(ip netip.Addr) netip.Addr {
	if ip.Is4In6() {
		return ip.Unmap()
	}
	if !ip.Is6() {
		return ip
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip), translated.Contains(ip), isISATAP(b):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	return ip
}

// isISATAP reports whether an address has an ISATAP interface identifier
// (0000:5efe or 0200:5efe, then an IPv4 address, RFC 5214): a host on the
// same ISATAP network reaches that IPv4 address through it, whatever the
// prefix.
func isISATAP(b [16]byte) bool {
	return (b[8] == 0 || b[8] == 2) && b[9] == 0 && b[10] == 0x5e && b[11] == 0xfe
}

// Control is a net.Dialer Control function that refuses connections to
// addresses Check rejects. address is the resolved "ip:port".
func Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse %q: %v", ErrRefused, address, err)
	}
	if err := Check(ap.Addr()); err != nil {
		return err
	}
	return nil
}

// Dialer returns a dialer with the given connect timeout that refuses
// non-public addresses, or allows every address when allowPrivate is set
// (tests and hubs on a private network).
func Dialer(connectTimeout time.Duration, allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = Control
	}
	return d
}

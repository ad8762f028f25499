package gateway

import (
	"net"
	"net/netip"
)

// clientKey is the address that per-client limits (sign-ins, sign-ups,
// WebSockets) count under. An IPv4 address is itself; an IPv6 address is
// its /64, since one host commonly holds a whole /64 and could otherwise
// take a fresh address, and a fresh budget, for every request.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
}

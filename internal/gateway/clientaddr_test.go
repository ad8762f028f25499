package gateway

import "testing"

func TestClientKeyGroupsAnIPv6HostsSlash64(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7:4242":                  "203.0.113.7",
		"[::ffff:203.0.113.7]:4242":         "203.0.113.7",
		"[2001:db8:1:2:aaaa::1]:4242":       "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff:ffff:ffff:1]:1": "2001:db8:1:2::/64",
		"[fe80::1%eth0]:80":                 "fe80::/64",
		"[::1]:8080":                        "::/64",
		"not an address":                    "not an address",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
	if clientKey("[2001:db8:1:2::1]:1") == clientKey("[2001:db8:1:3::1]:1") {
		t.Error("two /64s share a key")
	}
}

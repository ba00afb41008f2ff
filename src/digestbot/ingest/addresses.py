"""Which network addresses a fetch may connect to (server-side request forgery guard).

Pure functions: no I/O. `address_problem` says why an address is refused, or None when it
is globally routable. Python's `is_private`/`is_global` alone are not enough: IPv6 forms
that wrap an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo, IPv4-compatible) are unwrapped
and the inner address checked too, and multicast is refused explicitly.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_BENCHMARK = ipaddress.ip_network("198.18.0.0/15")


def parse_address(text: str) -> IPAddress:
    """Parse a literal address as returned by getaddrinfo (an IPv6 zone id is dropped)."""
    return ipaddress.ip_address(text.split("%", 1)[0])


def _v4_problem(ip: ipaddress.IPv4Address) -> str | None:
    if ip.is_loopback:
        return "loopback address"
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "unspecified address"
    if ip.is_link_local:
        return "link-local address"
    if ip in _CGNAT:
        return "shared (CGNAT) address"
    if ip.is_multicast:
        return "multicast address"
    if ip in _BENCHMARK:
        return "reserved address"
    if ip.is_private:
        return "private address"
    if ip.is_reserved:
        return "reserved address"
    if not ip.is_global:
        return "non-global address"
    return None


def address_problem(address: str | IPAddress) -> str | None:
    """Why `address` must not be connected to, or None when it is globally routable."""
    try:
        ip = parse_address(address) if isinstance(address, str) else address
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv4Address):
        return _v4_problem(ip)
    return _wrapped_v4_problem(ip) or _v6_problem(ip)


def _wrapped_v4_problem(ip: ipaddress.IPv6Address) -> str | None:
    """Unwrap every IPv6 form that carries an IPv4 address and check the inner one."""
    inner: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        inner.append(ip.ipv4_mapped)
    if any(ip in net for net in _NAT64):
        inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        inner.append(ip.sixtofour)
    if ip.teredo is not None:
        inner.extend(ip.teredo)
    for v4 in inner:
        problem = _v4_problem(v4)
        if problem:
            return f"{problem} wrapped in IPv6 ({v4})"
    return None


def _v6_problem(ip: ipaddress.IPv6Address) -> str | None:
    if ip.is_loopback:
        return "loopback address"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_site_local:
        return "site-local address"
    if ip.is_multicast:
        return "multicast address"
    if ip in _IPV4_COMPATIBLE:
        return "IPv4-compatible IPv6 address (deprecated)"
    if ip.ipv4_mapped is not None or ip.teredo is not None:
        # mapped addresses are never routed as such; Teredo relays reach arbitrary hosts
        return "IPv4-wrapping IPv6 address"
    if ip.is_private:
        return "private address"
    if ip.is_reserved:
        return "reserved address"
    if not ip.is_global:
        return "non-global address"
    return None


def is_global_address(address: str | IPAddress) -> bool:
    return address_problem(address) is None

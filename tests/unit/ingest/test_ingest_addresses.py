"""The SSRF guard: which addresses a fetch may reach, and what is refused before any I/O."""

from __future__ import annotations

import builtins
import socket

import pytest

from digestbot.ingest import InputError, SafeFetcher, load_sources
from digestbot.ingest.addresses import address_problem, is_global_address
from digestbot.ingest.fetch import check_url, system_resolver

REFUSED = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255", "172.16.0.1",
    "172.31.255.254", "192.168.1.1", "100.64.0.1", "100.127.255.254", "169.254.169.254",
    "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "192.0.0.1", "192.0.2.1", "198.18.0.1", "198.51.100.1", "203.0.113.1",
    "::1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::7f00:1",
    "2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "::127.0.0.1", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "fec0::1",
    "ff02::1", "ff0e::1", "2001:db8::1", "100::1",
]
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "151.101.1.69", "2606:4700:4700::1111",
           "2a00:1450:4001:82b::200e"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_global_addresses_refused(address):
    assert address_problem(address) is not None
    assert not is_global_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_global_addresses_allowed(address):
    assert address_problem(address) is None


def test_problem_names_the_reason():
    assert address_problem("100.64.0.1") == "shared (CGNAT) address"
    assert address_problem("169.254.169.254") == "link-local address"
    assert "wrapped in IPv6 (127.0.0.1)" in address_problem("64:ff9b::7f00:1")
    assert "wrapped in IPv6 (127.0.0.1)" in address_problem("2002:7f00:1::")
    assert "wrapped in IPv6 (127.0.0.1)" in address_problem("::ffff:127.0.0.1")
    assert address_problem("not-an-ip") == "not an IP address"


@pytest.mark.parametrize("trick", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1",
                                   "0x7f.1", "017700000001"])
def test_numeric_tricks_resolve_to_loopback_and_are_refused(trick):
    # getaddrinfo reads these numeric forms itself (no DNS query is made).
    assert "127.0.0.1" in system_resolver(trick, 80)
    with pytest.raises(InputError, match="loopback"):
        SafeFetcher().resolve_checked(f"http://{trick}/", trick, 80)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/", "http://[64:ff9b::7f00:1]/",
    "http://2130706433/", "http://127.1:8080/",
])
def test_fetch_refuses_literal_and_numeric_hosts_without_connecting(url, monkeypatch):
    def no_connect(*a, **k):
        raise AssertionError("connected")

    monkeypatch.setattr(socket, "create_connection", no_connect)
    with pytest.raises(InputError, match="refused"):
        SafeFetcher().fetch(url)


def test_any_bad_address_among_several_refuses():
    fetcher = SafeFetcher(resolver=lambda h, p: ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(InputError, match=r"private address \(10.0.0.5\)"):
        fetcher.resolve_checked("http://mixed.test/", "mixed.test", 80)


def test_resolver_failure_is_an_input_error():
    def fail(host, port):
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(InputError, match="cannot resolve host nowhere.test"):
        SafeFetcher(resolver=fail).fetch("http://nowhere.test/")


def test_allow_list_is_empty_by_default_and_exact():
    assert SafeFetcher().allow_hosts == frozenset()
    fetcher = SafeFetcher(allow_hosts=frozenset({"localhost"}),
                          resolver=lambda h, p: ["127.0.0.1"])
    assert fetcher.resolve_checked("http://localhost/", "localhost", 80) == ["127.0.0.1"]
    with pytest.raises(InputError):
        fetcher.resolve_checked("http://other.test/", "other.test", 80)


@pytest.mark.parametrize("spec, message", [
    ("file:///etc/passwd", "scheme 'file'"),
    ("ftp://example.org/feed.xml", "scheme 'ftp'"),
    ("gopher://example.org/", "scheme 'gopher'"),
    ("feed://example.org/rss", "scheme 'feed'"),
    ("javascript:alert(1)", "scheme 'javascript'"),
])
def test_other_schemes_refused_before_any_io(spec, message, monkeypatch):
    def no_io(*a, **k):
        raise AssertionError("I/O attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_io)
    monkeypatch.setattr(socket, "create_connection", no_io)
    monkeypatch.setattr(builtins, "open", no_io)
    [item] = list(load_sources([spec]))
    assert isinstance(item, InputError) and message in str(item)
    assert "\n" not in str(item)


@pytest.mark.parametrize("url", ["/etc/passwd", "file:///etc/passwd", "ftp://x/y",
                                 "etc/passwd", "http:///nohost", "http://user:pw@example.org/",
                                 "http://exa mple.org/", "http://example.org:99999/"])
def test_fetcher_refuses_non_http_urls_before_any_io(url, monkeypatch):
    def no_io(*a, **k):
        raise AssertionError("I/O attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_io)
    monkeypatch.setattr(socket, "create_connection", no_io)
    monkeypatch.setattr(builtins, "open", no_io)
    with pytest.raises(InputError):
        SafeFetcher().fetch(url)


def test_check_url_accepts_plain_http_and_https():
    assert check_url("https://Example.org/a?b=1") == ("https", "example.org", 443)
    assert check_url("http://[2606:4700::1111]:8080/") == ("http", "2606:4700::1111", 8080)


def test_slow_resolver_cut_at_deadline():
    import time

    def slow(host, port):
        time.sleep(2)
        return ["93.184.216.34"]

    start = time.monotonic()
    with pytest.raises(InputError, match="resolving slow.test took longer"):
        SafeFetcher(resolver=slow, deadline=0.3).fetch("http://slow.test/")
    assert time.monotonic() - start < 1


def test_broken_resolver_is_an_input_error():
    def broken(host, port):
        raise RuntimeError("resolver bug")

    with pytest.raises(InputError, match="cannot resolve host x.test"):
        SafeFetcher(resolver=broken).fetch("http://x.test/")


def test_newlines_in_names_never_break_the_one_line_rule(tmp_path):
    [err] = list(load_sources([str(tmp_path / "evil\nname.txt")]))
    assert isinstance(err, InputError) and "\n" not in str(err) and "evil\\nname" in str(err)


def test_idn_host_is_encoded(monkeypatch):
    seen = []
    fetcher = SafeFetcher(resolver=lambda h, p: seen.append(h) or ["127.0.0.1"])
    with pytest.raises(InputError, match="loopback"):
        fetcher.fetch("http://bücher.example/")
    assert seen == ["xn--bcher-kva.example"]

"""Fetch a URL from the open internet without being turned against the host it runs on.

`SafeFetcher.fetch(url)` returns a `FetchResult` or raises a `FetchError` (one line naming the
URL and the problem; its subclass, from `digestbot.domain.models`, says which failure it was). Rules, each checked at every redirect hop:

- http and https only; no credentials in the URL;
- the host name is resolved once, every address it resolves to must be globally routable
  (see `addresses.address_problem`), and the connection goes to the address that was checked
  (the Host header and TLS SNI/certificate check still use the name), so a resolver that
  answers differently the second time (DNS rebinding) never matters;
- a body cap before decompression (Content-Length over the cap is refused up front, the stream
  is cut at the cap) and after it (gzip/deflate are decoded here, in bounded steps; any other
  Content-Encoding is refused);
- one wall-clock deadline for the whole fetch, redirects included: socket timeouts shrink to the
  time left, and a watchdog closes the socket at the deadline, so a server dribbling one byte a
  second is cut off.

`cancel()` (on shutdown) shuts the socket of every fetch under way, so the threads reading a
slow server return at once, with `FetchCancelled` (not an `InputError`: the feed is not to blame).

`allow_hosts` names hosts exempt from the address check. It exists for tests that serve pages
on 127.0.0.1; it is empty by default and never filled from user input.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from digestbot.domain.models import (AddressRefused, ConnectionFailed, FetchError, FetchTimedOut, HostUnresolved,
                              HttpStatusError, InputError, RedirectRefused, ResponseTooLarge, TlsFailed, UrlRefused)

from .addresses import address_problem, parse_address
from .fetch_limits import CappedDecoder, Deadline, content_encoding, refuse_declared_oversize

DEFAULT_USER_AGENT = "digestbot/0.1 (+https://github.com/digestbot; news digest bot)"
_CONDITIONAL_HEADERS = frozenset({"If-None-Match", "If-Modified-Since"})
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
_PATH_SAFE = "/%?=&;:@!$'()*+,~-._[]"  # quote only what is not already legal (non-ASCII)

Resolver = Callable[[str, int], Iterable[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with getaddrinfo, returning the literal addresses (numeric tricks included:
    `2130706433`, `0x7f000001`, `0177.0.0.1` and `127.1` all come back as 127.0.0.1)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        addr = str(sockaddr[0])
        if addr not in seen:
            seen.append(addr)
    return seen


@dataclass(frozen=True)
class FetchResult:
    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""  # decoded (no Content-Encoding left), at most max_bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def check_url(url: str) -> tuple[str, str, int]:
    """Refuse anything but a plain http(s) URL, before any I/O. Returns (scheme, host, port)."""
    if any(c in url for c in "\r\n\t ") or any(ord(c) < 32 for c in url):
        raise UrlRefused(repr(url), "URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(url, f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"'{scheme}'" if scheme else "none"
        raise UrlRefused(url, f"only http and https URLs are fetched (scheme {shown})", "scheme")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused(url, "URLs with credentials are refused", "credentials")
    return scheme, _ascii_host(url, parts.hostname), port or (443 if scheme == "https" else 80)


def _ascii_host(url: str, hostname: str | None) -> str:
    """The host name as DNS asks for it: lower case, no trailing dot, international names in IDNA."""
    host = (hostname or "").rstrip(".").lower()
    if not host:
        raise UrlRefused(url, "URL has no host")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UrlRefused(url, "invalid international host name") from None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a fixed, already-checked IP; Host header from the name."""

    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._raw_sock = sock
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed, already-checked IP; SNI and certificate check use the name."""

    def __init__(self, host: str, port: int, ip: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._ip = ip

    def connect(self) -> None:
        sock = self._raw_sock = socket.create_connection((self._ip, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._raw_sock = self._context.wrap_socket(sock, server_hostname=self.host)


_CANCEL_CHECK = 0.1  # seconds between looks at `cancel` while a name is resolved (no timeout of its own)


class FetchCancelled(Exception):
    """A fetch stopped by `SafeFetcher.cancel()`: the process is shutting down."""


class SafeFetcher:
    """Fetches http(s) URLs under the rules in this module's docstring."""

    def __init__(
        self,
        max_bytes: int = 5_000_000,
        deadline: float = 20.0,
        max_redirects: int = 5,
        allow_hosts: frozenset[str] = frozenset(),
        user_agent: str = DEFAULT_USER_AGENT,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.max_redirects = max_redirects
        self.allow_hosts = frozenset(h.lower().rstrip(".") for h in allow_hosts)
        self.user_agent = user_agent
        self.resolver: Resolver = resolver or system_resolver
        self.ssl_context = ssl_context or ssl.create_default_context()
        self._cancelled = False
        self._open: set[http.client.HTTPConnection] = set()  # connections of fetches under way
        self._open_lock = threading.Lock()

    def cancel(self) -> None:
        """Stop every fetch under way and refuse new ones (shutdown)."""
        with self._open_lock:
            self._cancelled = True
            under_way = list(self._open)
        for conn in under_way:
            _kill(conn)

    # --- the checks, usable on their own -------------------------------------------------

    def _resolve(self, url: str, host: str, port: int, deadline: Deadline | None) -> list[str]:
        """Call the resolver, within the deadline (getaddrinfo has no timeout of its own)."""
        box: dict[str, object] = {}

        def run() -> None:
            try:
                box["result"] = [str(a) for a in self.resolver(host, port)]
            except (OSError, UnicodeError) as exc:
                box["error"] = exc
            except Exception as exc:  # a broken resolver is still an input problem
                box["error"] = exc

        if deadline is None:
            run()
        else:
            worker = threading.Thread(target=run, daemon=True, name="digestbot-resolve")
            worker.start()
            while worker.is_alive() and not self._cancelled and time.monotonic() < deadline.end:
                worker.join(min(_CANCEL_CHECK, max(0.0, deadline.end - time.monotonic())))
            if self._cancelled:
                raise FetchCancelled(f"{url}: fetch cancelled (shutting down)")
            if worker.is_alive():
                raise FetchTimedOut(url, f"resolving {host} took longer than the {deadline.seconds:g} s deadline")
        if "error" in box:
            raise HostUnresolved(url, f"cannot resolve host {host} "
                                 f"({_describe(box['error'])})")  # type: ignore[arg-type]
        return box["result"]  # type: ignore[return-value]

    def resolve_checked(self, url: str, host: str, port: int,
                        deadline: Deadline | None = None) -> list[str]:
        """Resolve `host` once and refuse unless every address is globally routable."""
        try:
            literal = parse_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [str(literal)]
        else:
            addresses = self._resolve(url, host, port, deadline)
        if not addresses:
            raise HostUnresolved(url, f"host {host} resolves to no address")
        if host in self.allow_hosts:
            return addresses
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise AddressRefused(url, f"refused, {host} resolves to a {problem} ({address})", problem)
        return addresses

    # --- fetching --------------------------------------------------------------------------

    def fetch(self, url: str, conditional: dict[str, str] | None = None) -> FetchResult:
        """GET `url` safely. `conditional` holds If-None-Match / If-Modified-Since headers:
        a 304 answer then comes back as a FetchResult with status 304 and no body."""
        try:
            result = self._fetch(url, conditional)
        except (InputError, OSError, http.client.HTTPException):
            if self._cancelled:
                raise FetchCancelled(f"{url}: fetch cancelled (shutting down)") from None
            raise
        if self._cancelled:  # a socket shut mid-body reads as the end of a body without a length
            raise FetchCancelled(f"{url}: fetch cancelled (shutting down)")
        return result

    def _fetch(self, url: str, conditional: dict[str, str] | None) -> FetchResult:
        check_url(url)  # before any I/O, even before the deadline starts
        deadline = Deadline(self.deadline, url)
        current = url
        extra = {k: v for k, v in (conditional or {}).items() if k in _CONDITIONAL_HEADERS and v}
        for hop in range(self.max_redirects + 1):
            status, headers, body, location = self._fetch_one(current, deadline, url, extra)
            if location is None:
                if status == 304 and extra:
                    return FetchResult(url=url, final_url=current, status=304, headers=headers, body=b"")
                if status >= 400:
                    raise HttpStatusError(url, f"HTTP {status}", status)
                if not 200 <= status < 300:
                    raise HttpStatusError(url, f"unexpected HTTP status {status}", status)
                return FetchResult(url=url, final_url=current, status=status, headers=headers,
                                   body=body)
            current = urljoin(current, location)
            try:
                check_url(current)
            except FetchError as exc:
                raise RedirectRefused(url, exc) from None
        raise FetchError(url, f"more than {self.max_redirects} redirects")

    def _connection(self, scheme: str, host: str, port: int, ip: str,
                    timeout: float) -> http.client.HTTPConnection:
        if scheme == "https":
            return _PinnedHTTPSConnection(host, port, ip, timeout, self.ssl_context)
        return _PinnedHTTPConnection(host, port, ip, timeout)

    def _fetch_one(self, url: str, deadline: Deadline, original: str, extra: dict[str, str]):
        scheme, host, port = check_url(url)
        where = original if url == original else f"{original} (redirected to {url})"
        try:
            addresses = self.resolve_checked(url, host, port, deadline)
        except FetchError as exc:
            if url == original:
                raise
            raise RedirectRefused(original, exc) from None

        last_error: Exception | None = None
        for ip in addresses:
            conn = self._connection(scheme, host, port, ip, deadline.left())
            self._track(conn)
            watchdog = threading.Timer(deadline.left(), _kill, args=(conn,))
            watchdog.daemon = True
            watchdog.start()
            try:
                return self._exchange(conn, url, deadline, where, extra)
            except InputError:
                raise
            except ssl.SSLError as exc:  # a certificate problem will not differ by address
                detail = getattr(exc, "verify_message", None) or _describe(exc)
                raise TlsFailed(where, f"TLS failed ({detail})") from None
            except (ValueError, UnicodeError) as exc:  # http.client refusing the request line
                raise ConnectionFailed(where, f"cannot request this URL ({_describe(exc)})") from None
            except (OSError, http.client.HTTPException) as exc:
                if time.monotonic() >= deadline.end:
                    raise FetchTimedOut(where, f"fetch took longer than {deadline.seconds:g} s (deadline)") from None
                last_error = exc
                if getattr(conn, "_digestbot_sent", False):
                    break  # the request reached a server: do not retry elsewhere
            finally:
                watchdog.cancel()
                with self._open_lock:
                    self._open.discard(conn)
                conn.close()
        reason = _describe(last_error)
        raise ConnectionFailed(where, f"cannot fetch ({reason})")

    def _track(self, conn: http.client.HTTPConnection) -> None:
        """Count `conn` among the fetches `cancel` stops (refused once cancelled)."""
        with self._open_lock:
            if self._cancelled:
                raise FetchCancelled(f"{conn.host}: fetch cancelled (shutting down)")
            self._open.add(conn)

    def _exchange(self, conn: http.client.HTTPConnection, url: str, deadline: Deadline,
                  where: str, extra: dict[str, str]):
        parts = urlsplit(url)
        path = quote(parts.path or "/", safe=_PATH_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=_PATH_SAFE)
        conn.timeout = deadline.left()
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.putheader("User-Agent", self.user_agent)
        conn.putheader("Accept", "text/html, application/xhtml+xml, application/rss+xml, "
                       "application/atom+xml, application/xml;q=0.9, text/*;q=0.8")
        conn.putheader("Accept-Encoding", "gzip, deflate")
        conn.putheader("Connection", "close")
        for name, value in extra.items():
            conn.putheader(name, value)
        conn.endheaders()
        conn._digestbot_sent = True  # type: ignore[attr-defined]
        if self._cancelled:  # cancelled while connecting, before `cancel` could shut the socket
            raise FetchCancelled(f"{where}: fetch cancelled (shutting down)")
        # http.client drops conn.sock once the response owns it: keep our own handle.
        sock: socket.socket = conn._raw_sock  # type: ignore[attr-defined]
        sock.settimeout(deadline.left())
        resp = conn.getresponse()
        try:
            return self._read_response(resp, sock, deadline, where)
        finally:
            resp.close()

    def _read_response(self, resp: http.client.HTTPResponse, sock: socket.socket,
                       deadline: Deadline, where: str):
        headers = {k.lower(): v for k, v in resp.getheaders()}
        status = resp.status

        if status in _REDIRECTS and headers.get("location"):
            return status, headers, b"", headers["location"]
        if status >= 400:
            return status, headers, b"", None  # an error page is not worth reading

        refuse_declared_oversize(headers, self.max_bytes, where)
        decoder = CappedDecoder(content_encoding(headers, where), self.max_bytes, where)
        received = 0
        while True:
            sock.settimeout(deadline.left())
            chunk = resp.read1(_CHUNK)
            deadline.left()  # wall-clock check after every read
            if not chunk:
                break
            received += len(chunk)
            if received > self.max_bytes:
                raise ResponseTooLarge(where, f"body larger than {self.max_bytes} bytes")
            decoder.feed(chunk)
        return status, headers, decoder.finish(), None


def _kill(conn: http.client.HTTPConnection) -> None:
    sock = getattr(conn, "_raw_sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _describe(exc: Exception | None) -> str:
    if exc is None:
        return "no address could be reached"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text

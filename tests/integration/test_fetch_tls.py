"""HTTPS to the checked address: the TLS handshake still names and verifies the host."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest

from digestbot.ingest import InputError, SafeFetcher

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture
def tls_server(http_server, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True, timeout=30,
    )
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    http_server.httpd.socket = server_ctx.wrap_socket(http_server.httpd.socket, server_side=True)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    return http_server, client_ctx


def fetcher_for(host: str, ctx: ssl.SSLContext) -> SafeFetcher:
    return SafeFetcher(allow_hosts=frozenset({host}), resolver=lambda h, p: ["127.0.0.1"],
                       ssl_context=ctx, deadline=5.0)


def test_https_connects_to_checked_ip_with_sni_and_host(tls_server):
    server, ctx = tls_server
    server.serve("/story", b"<html><body>ok</body></html>")
    result = fetcher_for("news.test", ctx).fetch(f"https://news.test:{server.port}/story")
    assert result.status == 200 and result.body == b"<html><body>ok</body></html>"
    _, headers = server.requests[-1]
    assert headers["host"] == f"news.test:{server.port}"


def test_https_certificate_for_another_name_refused(tls_server):
    server, ctx = tls_server
    server.serve("/story", b"x")
    with pytest.raises(InputError) as err:
        fetcher_for("other.test", ctx).fetch(f"https://other.test:{server.port}/story")
    assert "other.test" in str(err.value) and "\n" not in str(err.value)
    assert server.requests == []

"""The HTTP server under hostile clients on loopback: idle, half-sent and dribbling requests
are closed after the request timeout, connections past the cap are closed at once, the log
says so once, and /healthz keeps answering."""

import asyncio
import logging

import aiohttp
from aiohttp import web

from digestbot.run.http_server import CappedSite, OncePerInterval, bound_port, build_http_app, serve
from digestbot.run.metrics import Metrics

TIMEOUT = 0.5  # seconds: the server's request timeout in these tests


async def echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read())


async def start(max_connections: int = 1000) -> tuple[web.AppRunner, int]:
    app = build_http_app(Metrics(), {}, {"/echo": echo})
    runner = await serve(app, "127.0.0.1", 0, request_timeout=TIMEOUT, max_connections=max_connections)
    return runner, bound_port(runner)


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    """True when the server ends the connection (EOF or reset) within `within` seconds."""
    try:
        await asyncio.wait_for(reader.read(), within)
        return True
    except ConnectionResetError:
        return True
    except asyncio.TimeoutError:
        return False


async def healthz(port: int) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
            return response.status


async def test_idle_and_half_sent_requests_are_closed_after_the_timeout():
    runner, port = await start()
    try:
        first_bytes = [b"", b"GET /healthz HTTP/1.1\r\nHost: bot\r\n",  # idle; headers never finished
                       b"POST /echo HTTP/1.1\r\nHost: bot\r\nContent-Length: 100\r\n\r\nonly part"]  # short body
        clients = []
        for i in range(150):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(first_bytes[i % 3])
            clients.append((reader, writer))
        assert await healthz(port) == 200  # answered while they hang
        closed = await asyncio.gather(*(closed_by_server(r, TIMEOUT * 6) for r, _ in clients))
        assert all(closed), f"{closed.count(False)} of {len(closed)} connections still open"
        assert runner.server.connections == [] or len(runner.server.connections) <= 1
        assert await healthz(port) == 200
    finally:
        for _, writer in clients:
            writer.close()
        await runner.cleanup()


async def test_a_whole_request_is_still_answered():
    runner, port = await start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/echo", data=b"hello") as response:
                assert (response.status, await response.read()) == (200, b"hello")
    finally:
        await runner.cleanup()


async def counted(runner, n: int, within: float = 10.0) -> None:
    """Wait until the server holds `n` connections (it counts one when it accepts it)."""
    deadline = asyncio.get_running_loop().time() + within
    while len(runner.server.connections) < n:
        assert asyncio.get_running_loop().time() < deadline, f"{len(runner.server.connections)} of {n} accepted"
        await asyncio.sleep(0.01)


async def test_connections_past_the_cap_are_closed_at_once_and_logged_once(caplog):
    caplog.set_level(logging.WARNING, logger="digestbot.http")
    runner, port = await start(max_connections=20)
    [site] = runner.sites
    assert isinstance(site, CappedSite)
    clients = []
    try:
        for _ in range(20):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            clients.append((reader, writer))
        await counted(runner, 20)  # on a busy machine the server may accept them later than we connect
        extra = [await asyncio.open_connection("127.0.0.1", port) for _ in range(30)]
        assert all(await asyncio.gather(*(closed_by_server(r, TIMEOUT / 2) for r, _ in extra)))
        assert site.refused == 30 and len(runner.server.connections) <= 20
        refusals = [r for r in caplog.records if r.getMessage().startswith("connection refused")]
        assert len(refusals) == 1
        for _, writer in clients + extra:
            writer.close()
        await asyncio.sleep(TIMEOUT)
        assert await healthz(port) == 200  # the cap frees up as connections close
    finally:
        await runner.cleanup()


def test_a_log_flood_becomes_one_line_a_minute_that_counts_the_rest():
    now = [0.0]
    flood = OncePerInterval(60, clock=lambda: now[0])

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, message, (), None)

    passed = [flood.filter(record("socket.accept() out of system resource\nsocket: <fd=%d>" % i)) for i in range(1000)]
    assert passed.count(True) == 1
    assert flood.filter(record("another kind"))
    now[0] = 61
    later = record("socket.accept() out of system resource\nsocket: <fd=7>")
    assert flood.filter(later) and later.held_back == 999

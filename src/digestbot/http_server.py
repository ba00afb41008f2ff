"""The bot's small HTTP server: /healthz, /readyz, /metrics, and routes adapters mount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from .metrics import Metrics

ReadinessCheck = Callable[[], Awaitable[bool] | bool]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_http_app(
    metrics: Metrics,
    checks: dict[str, ReadinessCheck],
    extra_routes: dict[str, Handler] | None = None,
) -> web.Application:
    """Readiness runs every named check and reports each; any failure answers 503."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        results, reasons = {}, {}
        for name, check in checks.items():
            try:
                outcome = check()
                results[name] = bool(await outcome) if hasattr(outcome, "__await__") else bool(outcome)
            except Exception as error:  # a failing check means not ready, never a 500
                results[name] = False
                reasons[name] = check_failure(error)
        status = 200 if all(results.values()) else 503
        body = {"ready": status == 200, "checks": results}
        if reasons:
            body["reasons"] = reasons
        return web.json_response(body, status=status)

    async def metrics_endpoint(_request: web.Request) -> web.Response:
        return web.Response(body=metrics.exposition(), content_type="text/plain", charset="utf-8")

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    for path, handler in (extra_routes or {}).items():
        app.router.add_post(path, handler)
    return app


def check_failure(error: BaseException) -> str:
    """Why a readiness check failed, in one short line (the error's type and its first line)."""
    lines = str(error).strip().splitlines()
    detail = lines[0] if lines else ""
    if isinstance(error, TimeoutError):
        detail = "no answer in time"
    return f"{type(error).__name__}: {detail}"[:160]


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound (useful when asked for port 0)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server and server.sockets:
            return server.sockets[0].getsockname()[1]
    raise RuntimeError("server is not listening")

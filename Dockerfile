# syntax=docker/dockerfile:1
# Build stage: a wheel with the platform extras chosen at build time, every dependency at the
# version constraints.txt pins (the versions CI tested), not the newest of the day.
FROM python:3.11-slim AS build
ARG EXTRAS=all,postgres
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY src ./src
COPY adapters ./adapters
COPY seeds ./seeds
RUN pip install --no-cache-dir --upgrade pip==24.3.1 \
 && pip wheel --no-cache-dir --wheel-dir /wheels -c constraints.txt ".[${EXTRAS}]"

# Runtime stage: no compilers, a non-root user, the SQLite file on a volume.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 digestbot \
 && mkdir -p /data && chown digestbot /data
# /wheels (digestbot and exactly the dependencies of the chosen extras) is mounted from the
# build stage for this one step, so no layer of the image keeps a copy of it.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index /wheels/*.whl
COPY config /etc/digestbot
USER 10001
ENV DIGESTBOT_DATABASE_URL=sqlite:////data/digestbot.db \
    DIGESTBOT_HTTP_HOST=0.0.0.0 \
    DIGESTBOT_HTTP_PORT=8080 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8080
# slim has no curl: ask /healthz with the Python that is already there, on the port the bot
# was given (DIGESTBOT_HTTP_PORT may be changed at `docker run -e`).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os,sys,urllib.request; port = os.environ.get('DIGESTBOT_HTTP_PORT', '8080'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status != 200)"]
# Exec form: digestbot runs as PID 1 and receives SIGTERM itself.
ENTRYPOINT ["digestbot"]
CMD ["run"]

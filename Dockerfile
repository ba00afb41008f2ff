# syntax=docker/dockerfile:1
# Build stage: a wheel with the platform extras chosen at build time.
FROM python:3.11-slim AS build
ARG EXTRAS=all
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY adapters ./adapters
COPY seeds ./seeds
RUN pip install --no-cache-dir --upgrade pip==24.3.1 \
 && pip wheel --no-cache-dir --wheel-dir /wheels ".[${EXTRAS}]"

# Runtime stage: no compilers, a non-root user, the SQLite file on a volume.
FROM python:3.11-slim
ARG EXTRAS=all
RUN useradd --create-home --uid 10001 digestbot \
 && mkdir -p /data && chown digestbot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels "digestbot[${EXTRAS}]" \
 && rm -rf /wheels
COPY config /etc/digestbot
USER digestbot
ENV DIGESTBOT_DATABASE_URL=sqlite:////data/digestbot.db \
    DIGESTBOT_HTTP_HOST=0.0.0.0 \
    DIGESTBOT_HTTP_PORT=8080 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["digestbot"]
CMD ["digest"]

# Kutip: the Telegram bot with its corpus baked in.
#   docker build -t kutip .
#   docker run -e TELEGRAM_BOT_TOKEN=... kutip                     # long polling
#   docker run -e TELEGRAM_BOT_TOKEN=... -e WEBHOOK_URL=https://host/hook \
#              -e WEBHOOK_SECRET_TOKEN=... -p 8443:8443 -p 8080:8080 kutip   # webhook + /healthz
#   docker run ... -v /srv/articles:/app/corpus:ro kutip            # your own corpus
# The token comes only from the environment: it is never written into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so editing code or articles does not reinstall them.
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY retrieval ./retrieval
COPY config ./config
COPY ingest ./ingest
# constraints.txt is the lock the tests passed with (README, .ci/run use it too).
RUN pip install -c constraints.txt .

# The corpus lives outside the installed package so a mounted volume can
# replace it (CORPUS_PATH). The language data gets its own copy, so a mounted
# corpus without a lang/ folder still has stop words and synonyms.
COPY corpus /app/corpus
COPY corpus/lang /app/lang

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin kutip \
    && mkdir -p /app/index && chown kutip /app/index /app/corpus
USER kutip

ENV CORPUS_PATH=/app/corpus \
    LANGUAGE_DATA_PATH=/app/lang \
    INDEX_DIR=/app/index \
    WEBHOOK_LISTEN=0.0.0.0 \
    WEBHOOK_PORT=8443 \
    HEALTH_PORT=8080

EXPOSE 8443 8080

# /healthz is served only in webhook mode; in polling mode there is no port to
# probe, so the check passes when WEBHOOK_URL is unset (the process itself is
# then the liveness signal). Uses Python, as the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0) if not os.environ.get('WEBHOOK_URL') else urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEALTH_PORT', '8080'), timeout=4)"]

# Exec form: Python is PID 1 and receives SIGTERM from `docker stop` directly.
CMD ["python", "-m", "bot"]

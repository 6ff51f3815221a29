# The site as a container: gunicorn serving Django, the same image runs the
# task worker and the migrations (see compose.yaml). Every step is a command
# `make` or bin/run also runs, so CI exercises them without a Docker engine.

FROM python:3.13-slim AS build
RUN apt-get update \
    && apt-get install --yes --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so that a code change does not reinstall them: uv and
# the site's dependencies exactly as requirements/ pins them, hashes checked
# (the Makefile's install target). main.txt only: no embedded PostgreSQL, no
# test tools.
COPY Makefile ./
COPY bin/find-python bin/
COPY requirements/tools.txt requirements/main.txt requirements/
RUN make install && rm -rf .tools
COPY . .
# Static files are collected (hashed names, compressed) into the image. Settings
# need a database URL to load, not a database.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgresql://build@localhost/unused \
    .venv/bin/python manage.py collectstatic --no-input --verbosity 0
# Bytecode compiled once here: the running image may not write it
# (PYTHONDONTWRITEBYTECODE, read-only /app), and compiling on every start
# costs each process (a worker, an export command) about a second.
RUN .venv/bin/python -m compileall -q -j 0 .

FROM python:3.13-slim
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000
RUN useradd --system --uid 10001 --no-create-home --home-dir /app app
WORKDIR /app
# Owned by root and read-only for the site's user: it writes nowhere but the
# database, /tmp and /data/delivery. (The nightly dumps are the backup service's, compose.yaml.)
COPY --from=build /app /app
# The one folder the site writes: delivery packets, on the "delivery" volume
# (compose.yaml), which takes this owner when it is first created.
RUN mkdir -p /data/delivery && chown app /data/delivery && chmod 700 /data/delivery
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]

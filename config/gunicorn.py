"""gunicorn settings: `gunicorn --config config/gunicorn.py config.wsgi`."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Requests spend much of their time waiting on PostgreSQL, so two workers per
# core keep the cores busy without piling up connections.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak never becomes an outage,
# but not every few seconds during a surge: a new worker costs a second of
# CPU to start and begins with cold caches (measured with `make bench`).
max_requests = 50_000
max_requests_jitter = 5_000
# No access log here: the site logs one line per request itself, with its
# request id and without the client address (ops/request_log.py).
accesslog = None
errorlog = "-"
# gunicorn's control socket has one default path per user, so several
# instances on one host (two ports behind one balancer, tests) would take it
# from each other; nothing here uses it.
control_socket_disable = True


def on_starting(server):
    # Built once here and shared by every forked worker, instead of a second
    # of CPU in each worker at its first signature (petition/zip_places.py).
    from petition import zip_places

    zip_places.load()


def when_ready(server):
    # Once per start, which store the rate limits count in (README, "Rate limits").
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from ops import cache_store

    server.log.info(cache_store.describe())

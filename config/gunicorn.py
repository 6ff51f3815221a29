"""gunicorn settings: `gunicorn --config config/gunicorn.py config.wsgi`."""

import ipaddress
import logging
import multiprocessing
import os
import re

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


class RedactAddresses(logging.Filter):
    """Takes IP addresses out of gunicorn's own lines ("Invalid request from ip=...").

    No client address is logged (docs/security.md); a line that names a server on
    purpose says so with extra={"server_address": True}.
    """

    IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
    # Groups and colons, ending in a group or in an IPv4 address (::ffff:198.51.100.7).
    IPV6 = re.compile(
        r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})"
    )

    def filter(self, record):
        if getattr(record, "server_address", False):
            return True
        message = record.getMessage()
        redacted = self.IPV4.sub("[address]", self.IPV6.sub(self._if_address, message))
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

    @staticmethod
    def _if_address(match) -> str:
        # Times such as 12:02:40 look alike; only what parses as an address
        # goes, with the colon gunicorn writes after one ("ip=2001:db8::7: ...").
        text = match.group()
        for address, rest in [(text, ""), (text[:-1], text[-1:])]:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                continue
            return "[address]" + rest
        return text


def on_starting(server):
    # Set before any worker starts, so every process's lines pass through it.
    logging.getLogger("gunicorn.error").addFilter(RedactAddresses())
    # Built once here and shared by every forked worker, instead of a second
    # of CPU in each worker at its first signature (places/zips.py).
    from places import zips

    zips.load()


def when_ready(server):
    # Once per start, which store the rate limits count in (docs/security.md, "Rate limits").
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from ops import cache_store

    server.log.info(cache_store.describe(), extra={"server_address": True})

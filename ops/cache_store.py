"""Which store the rate limits and the cache use, in words for the start-up log."""

from urllib.parse import urlsplit

from django.conf import settings


def describe() -> str:
    default = settings.CACHES["default"]
    backend = default["BACKEND"]
    if backend.endswith(".RedisCache"):
        url = urlsplit(default["LOCATION"])
        # Host, port and database only: a password in REDIS_URL stays out of the log.
        port = f":{url.port}" if url.port else ""
        return f"Rate limits and cache: Redis at {url.scheme}://{url.hostname}{port}{url.path}"
    if backend.endswith(".DatabaseCache"):
        return (
            f"Rate limits and cache: database cache (table {default['LOCATION']}) on PostgreSQL, "
            "shared by every process of this host"
        )
    return f"Rate limits and cache: {backend}, NOT shared between processes"

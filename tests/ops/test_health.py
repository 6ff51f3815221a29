"""The probes a platform polls: /healthz (process up) and /readyz (database and cache)."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query here would raise and turn the probe into a 500.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_cache(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz")
    # One query for the database; without REDIS_URL the cache is a table
    # in it too, and its queries (and their savepoints) are the cache check's.
    database = [q for q in queries if '"cache"' not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert len(database) == 1
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    cache.close()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A port nothing listens on: the client raises on connect.
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
    }


def test_probes_answer_any_host_and_plain_http(client, settings):
    # Platforms probe the container's own address over HTTP; the public host
    # and HTTPS redirect must not turn the probe into a 400 or a 301.
    settings.ALLOWED_HOSTS = ["petition.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


def test_probes_are_not_under_a_language_prefix(client):
    assert client.get("/es/healthz").status_code == 404

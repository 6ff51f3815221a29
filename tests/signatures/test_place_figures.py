"""Counted signatures per state and district, shared by every process and recomputed at most once a window."""

import pytest
from django.core.cache import cache

from signatures import place_figures
from signatures.services import signature_strike
from tests.support.factories import make_signatures

VT, TX = "05401", "78205"


def test_it_counts_counted_signatures_per_state(petition, make_petition):
    make_signatures(petition, 2, postal_code=VT)
    struck = make_signatures(petition, 1, start=2, postal_code=VT)[0]
    signature_strike(signature=struck, reason="duplicate person", by=None)
    make_signatures(petition, 1, start=3, postal_code=TX)
    other = make_petition()
    make_signatures(other, 4, postal_code=VT)
    figures = place_figures.compute(petition)
    assert figures.states == {"TX": 1, "VT": 2}
    # TX alone below 2 would be the count minus VT: VT is withheld with it.
    assert figures.shown(2).states == {"TX": None, "VT": place_figures.WITHHELD}
    assert figures.shown(1).states == {"TX": 1, "VT": 2}


def test_one_process_recomputes_while_the_others_serve_the_kept_figures(petition, settings):
    settings.PLACE_FIGURES_SECONDS = 0  # always stale
    make_signatures(petition, 1, postal_code=VT)
    first = place_figures.place_figures(petition)
    key = f"place-figures:{petition.pk}:{petition.created_at.timestamp()}"
    # Another process holds the lock: this one serves what is kept.
    cache.add(f"{key}:lock", 1, 60)
    make_signatures(petition, 1, start=1, postal_code=VT)
    assert place_figures.place_figures(petition) is not None
    assert place_figures.place_figures(petition).states == first.states == {"VT": 1}
    cache.delete(f"{key}:lock")
    assert place_figures.place_figures(petition).states == {"VT": 2}


@pytest.fixture
def redis_down(settings, monkeypatch):
    monkeypatch.setattr(place_figures, "_shared_down_until", 0.0)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }


def test_without_the_shared_cache_each_process_keeps_its_own(petition, settings, redis_down, caplog):
    make_signatures(petition, 1, postal_code=VT)
    settings.PLACE_FIGURES_SECONDS = 3600
    assert place_figures.place_figures(petition).states == {"VT": 1}
    make_signatures(petition, 1, start=1, postal_code=VT)
    assert place_figures.place_figures(petition).states == {"VT": 1}
    # Once failed, the shared cache is left alone for a while: one timeout, not one per page.
    assert caplog.text.count("cache is unavailable") == 1

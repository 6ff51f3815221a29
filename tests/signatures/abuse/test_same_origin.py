"""Form posts without a CSRF token: refused when a browser says they come from another site.

Through the signing form: tests/petition/test_public_caching.py.
"""

import pytest
from django.http import HttpResponse

from signatures.abuse.same_origin import same_origin_post


@same_origin_post
def view(request):
    return HttpResponse("taken")


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "none"},  # typed in the address bar, or a bookmark
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "https://www.example.org"},  # a trusted origin (CSRF_TRUSTED_ORIGINS)
        {},  # not from a browser
    ],
)
def test_a_post_from_this_site_or_no_browser_is_taken(rf, settings, headers):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
    assert view(rf.post("/form/", **headers)).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},  # the newer header decides
        {"HTTP_ORIGIN": "https://evil.example"},
    ],
)
def test_a_post_from_another_site_is_refused_as_csrf(rf, headers):
    assert view(rf.post("/form/", **headers)).status_code == 403


def test_the_view_needs_no_csrf_token():
    assert view.csrf_exempt is True

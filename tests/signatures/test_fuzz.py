"""Random and hostile input at every public endpoint: never a 5xx, nothing stored unless valid.

Hypothesis drives Django's test client (fast); tests/live/test_fuzz_live.py sends
raw bytes through gunicorn for what a test client cannot express.
"""

import string

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from signatures.models import Signature
from tests.support.factories import form_fields

FUZZ = hypothesis_settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any Unicode including NUL, surrogates excluded (they cannot be encoded into a request at all).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",
            "\u202etxt.exe",
            "\ufeff",
            "𝕬" * 200,
            "x" * 1_000_000,
            "\r\n\r\nX-Injected: 1",
            "../../etc/passwd",
            "=cmd|' /C calc'!A0",
            "@gmail.com",
            "a@b",
            "🙂@🙂.com",
        ]
    ),
)
field_names = [
    "name",
    "email",
    "postal_code",
    "country",
    "comment",
    "public",
    "opt_in",
    "website",
    "started",
    "csrfmiddlewaretoken",
]
form_data = st.dictionaries(st.sampled_from(field_names), hostile_text, max_size=len(field_names))


@pytest.fixture
def roomy_petition(make_petition):
    # Limits high enough that the form, not the rate limit, answers every example.
    return make_petition(ip_burst_limit=10_000, ip_hourly_limit=10_000, email_hourly_limit=10_000)


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:2000]


@FUZZ
@given(data=form_data)
def test_signing_with_any_fields_never_errors_and_stores_only_valid_signatures(roomy_petition, data):
    before = Signature.objects.count()
    response = Client().post(reverse("petition:sign", args=[roomy_petition.slug]), data)
    assert_no_server_error(response)
    after = Signature.objects.count()
    if response.status_code == 302:
        assert after - before <= 1
    else:
        assert response.status_code in (400, 429) and after == before


@FUZZ
@given(name=hostile_text, comment=hostile_text, email=hostile_text)
def test_plausible_signatures_with_hostile_names_never_error(roomy_petition, name, comment, email):
    data = form_fields(
        roomy_petition, name=name, comment=comment, email=email, postal_code="78205", country="US"
    )
    response = Client().post(reverse("petition:sign", args=[roomy_petition.slug]), data)
    assert_no_server_error(response)
    if response.status_code == 302:
        stored = Signature.objects.order_by("-pk").first()
        assert "\x00" not in stored.name + stored.comment + stored.email


@FUZZ
@given(
    content_type=st.sampled_from(
        [
            "application/json",
            "text/plain",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=xyz",
            "application/x-www-form-urlencoded; charset=utf-16",
            "application/x-www-form-urlencoded; charset=nonsense",
            "application/xml",
            "",
        ]
    ),
    body=st.binary(max_size=2000),
)
def test_sign_with_wrong_content_types_and_random_bytes_never_errors(roomy_petition, content_type, body):
    response = Client().generic(
        "POST", reverse("petition:sign", args=[roomy_petition.slug]), body, content_type=content_type
    )
    assert_no_server_error(response)
    assert not Signature.objects.exists() or response.status_code == 302


def test_invalid_utf8_form_bodies_are_refused_cleanly(roomy_petition):
    body = b"name=\xff\xfe\xc3\x28&email=a%40b.org\xed\xa0\x80&postal_code=78205&country=US"
    response = Client().generic(
        "POST",
        reverse("petition:sign", args=[roomy_petition.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


@pytest.mark.parametrize("size", [3 * 1024 * 1024])
def test_a_huge_body_gets_a_400_page_not_a_500(roomy_petition, size):
    response = Client().post(
        reverse("petition:sign", args=[roomy_petition.slug]),
        {**form_fields(roomy_petition), "name": "x" * size, "email": "a@example.org", "postal_code": "78205"},
    )
    assert response.status_code == 400
    assert "We could not read what your browser sent" in response.content.decode()
    assert not Signature.objects.exists()


def test_too_many_fields_get_a_400(roomy_petition):
    response = Client().post(
        reverse("petition:sign", args=[roomy_petition.slug]), {f"f{n}": "x" for n in range(1500)}
    )
    assert response.status_code == 400


def test_a_cross_site_post_gets_a_403_page_and_stores_nothing(roomy_petition, signer_data):
    # Signing takes no CSRF token (the page is cached for everyone): the
    # browser's Sec-Fetch-Site or Origin header says where the post came from.
    client = Client(enforce_csrf_checks=True)
    cross_site = [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ]
    for headers, token in zip(cross_site, ["", "x" * 64, "\x00", "🙂" * 10], strict=True):
        response = client.post(
            reverse("petition:sign", args=[roomy_petition.slug]),
            {**form_fields(roomy_petition), **signer_data(), "csrfmiddlewaretoken": token},
            **headers,
        )
        assert response.status_code == 403
        assert "reload the page and send the form again" in response.content.decode()
    assert not Signature.objects.exists()


slugish = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60).filter(
    lambda s: "\x00" not in s
)


@FUZZ
@given(
    slug=slugish,
    suffix=st.sampled_from(["", "count.json", "sign/", "check-email/", "thanks/"]),
    query=st.dictionaries(any_text, any_text, max_size=3),
    lang=st.sampled_from(["", "/es", "/fr"]),
)
def test_any_path_and_query_on_public_pages_never_errors(petition, slug, suffix, query, lang):
    client = Client()
    for target in [slug, petition.slug]:
        path = f"{lang}/petitions/{target}/{suffix}"
        response = client.get(path, query)
        assert_no_server_error(response)
        response = client.post(path, query)
        assert_no_server_error(response)


@FUZZ
@given(accept_language=any_text, cookie=st.text(string.printable, max_size=100), agent=any_text)
def test_hostile_headers_never_error(petition, accept_language, cookie, agent):
    client = Client()
    client.cookies["django_language"] = cookie
    response = client.get(
        petition.get_absolute_url(),
        headers={"accept-language": accept_language.encode("utf-8", "replace").decode("latin-1")},
    )
    assert_no_server_error(response)
    response = client.post(
        reverse("petition:sign", args=[petition.slug]),
        form_fields(petition, name="A"),
        HTTP_USER_AGENT=agent.encode("utf-8", "replace").decode("latin-1"),
        HTTP_X_FORWARDED_FOR=agent.encode("utf-8", "replace").decode("latin-1"),
    )
    assert_no_server_error(response)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["language", "next", "username", "password"]), hostile_text))
def test_language_switch_and_admin_sign_in_never_error(db, data):
    client = Client()
    # The site's switch is a GET link, /language/<code>/?next=..., the code one path segment.
    code = data.get("language", "es").replace("/", "") or "es"
    assert_no_server_error(
        client.get(reverse("switch_language", args=[code]), {"next": data.get("next", "/")})
    )
    assert_no_server_error(client.post(reverse("admin:login"), data))


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_other_methods_are_refused_not_errors(petition, method):
    for path in [petition.get_absolute_url(), reverse("petition:sign", args=[petition.slug]), "/privacy/"]:
        assert Client().generic(method, path).status_code in (400, 403, 405)

import ast
import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from signatures.models import Signature
from tests.support.live import BASE_DIR

LOCALE = BASE_DIR / "locale" / "es" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def english_in_the_test_thread():
    """The test client runs views in this thread, and LocaleMiddleware leaves a Spanish
    page's language active after it: reset it so URLs built here are the English ones."""
    translation.deactivate()
    yield
    translation.deactivate()


def po_entries():
    """(context, msgid) of every entry in the .po file, read without gettext tools."""
    entries, current, field = [], {}, None
    for line in (LOCALE / "django.po").read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
        if match:
            field = match.group(1)
            current[field] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        elif not line.strip() and current:
            entries.append(current)
            current, field = {}, None
    return [e for e in entries if e.get("msgid")]


def test_every_interface_string_is_translated_and_compiled():
    """The site, in Spanish, says each string of the .po as its entry does.

    The compiled .mo is what the site reads (committed, built by hand), so this
    also finds a .mo out of step with the .po; msgfmt leaves out a fuzzy entry,
    so one fails here too.
    """
    entries = po_entries()
    assert len(entries) > 100
    with translation.override("es"):
        for entry in entries:
            if "msgid_plural" in entry:
                assert entry["msgstr[0]"] and entry["msgstr[1]"], entry["msgid"]
                assert translation.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
                assert translation.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr[1]"]
            elif "msgctxt" in entry:
                assert translation.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"] != ""
            else:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"] != "", entry["msgid"]


def test_the_first_campaign_is_in_spanish_too(client, seeded_petition):
    petition = seeded_petition
    assert petition.title_es.startswith("Protejamos a los niños y las familias migrantes")
    assert len(petition.targets_es.splitlines()) == len(petition.targets.splitlines()) == 6
    assert "https://www.house.gov/representatives/find-your-representative" in petition.body_es
    assert "https://www.raicestexas.org/" in petition.body_es
    assert petition.summary_es
    html = client.get("/es/").content.decode()
    assert '<html lang="es">' in html
    assert "Protejamos a los niños" in html and "Servicio de Inmigración y Control de Aduanas" in html
    assert "Firmar la petición" in html and '<div lang="es">' in html


def test_english_text_shown_on_a_spanish_page_is_marked_as_english(client, make_petition):
    petition = make_petition(body="Please sign.", body_es="")
    with translation.override("es"):
        url = petition.get_absolute_url()
    html = client.get(url).content.decode()
    assert '<html lang="es">' in html and '<div lang="en"><p>Please sign.</p>' in html


def test_the_language_switch_is_remembered(client, petition):
    english = petition.get_absolute_url()
    response = client.get(reverse("switch_language", args=["es"]), {"next": english})
    assert response["Location"] == f"/es/petitions/{petition.slug}/"
    # Later, an English link brings this reader to the Spanish page ...
    assert client.get(english + "?src=wa")["Location"] == f"/es/petitions/{petition.slug}/?src=wa"
    # ... until they choose English again.
    client.get(reverse("switch_language", args=["en"]), {"next": response["Location"]})
    assert client.get(english).status_code == 200


def test_the_switch_sets_a_cookie_on_a_private_response(client, db):
    response = client.get(reverse("switch_language", args=["es"]), {"next": "/"})
    assert response.cookies["django_language"].value == "es"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_the_switch_refuses_other_sites_and_unknown_languages(client, petition):
    away = client.get(reverse("switch_language", args=["es"]), {"next": "https://evil.example/"})
    assert away["Location"] == "/es/"
    assert client.get(reverse("switch_language", args=["xx"]), {"next": "/"}).status_code == 404


def follow_every_redirect(client, target):
    """Each Location the site answers, from a request for target, followed as a browser would.

    The test client would read "//evil.example/" as a host, so each path goes
    to the site as a WSGI server passes it on: percent-decoded in PATH_INFO.
    """
    path, _, query = target.partition("?")
    locations = []
    for _ in range(10):
        response = client.get("/", PATH_INFO=unquote(path), QUERY_STRING=query, HTTP_SEC_FETCH_SITE="none")
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        locations.append(response["Location"])
        parts = urlsplit(urljoin("http://testserver/", response["Location"]))
        if parts.netloc != "testserver":
            break
        path, query = parts.path, parts.query
    return locations


@pytest.mark.parametrize(
    "url",
    [
        "//evil.example/",
        "/\\evil.example/",
        "///evil.example/",
        "/%2F%2Fevil.example/",
        "/%2Fevil.example/",
        "/language/es/?next=/%252F%252Fevil.example/",
        "/language/es/?next=/%252Fevil.example/",
        "/language/es/?next=//evil.example/",
        "/language/es/?next=/%5Cevil.example/",
    ],
)
@pytest.mark.parametrize("chosen", ["es", "en", None])
def test_no_redirect_ever_leaves_the_site(client, db, url, chosen):
    if chosen:
        client.cookies["django_language"] = chosen
    for location in follow_every_redirect(client, url):
        netloc = urlsplit(location).netloc
        assert netloc in ("", "testserver"), (url, location)
        assert not location.startswith(("//", "/\\")), (url, location)


@pytest.mark.parametrize("next_url", ["/%2Fevil.example/", "/%2F%2Fevil.example/", "/%5Cevil.example/"])
def test_the_switch_never_sends_to_a_path_the_server_decodes_into_another_host(client, db, next_url):
    response = client.get(reverse("switch_language", args=["es"]), {"next": next_url})
    assert response["Location"] == "/es/"


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize("page", ["home", "petition"])
def test_a_browser_that_asks_for_spanish_gets_the_spanish_page(client, petition, page):
    english = "/" if page == "home" else petition.get_absolute_url()
    response = client.get(english + "?src=wa", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == f"/es{english}?src=wa"
    # A shared cache must not hand this redirect to a reader who asks for English.
    assert {"accept-language", "cookie"} <= vary(response)
    assert "private" in cache_control(response) and "public" not in cache_control(response)
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="es">' in html and "Firmar la petición" in html


@pytest.mark.parametrize("accept_language", ["en-US,en;q=0.9", "", "fr-FR", "de,en;q=0.5,es;q=0.1"])
def test_a_browser_that_asks_for_english_or_nothing_we_have_gets_english(client, petition, accept_language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = client.get(petition.get_absolute_url(), **headers)
    assert response.status_code == 200 and '<html lang="en">' in response.content.decode()
    # Shared caches keep one English copy per Accept-Language, never one per cookie.
    assert "accept-language" in vary(response) and "cookie" not in vary(response)
    assert "public" in cache_control(response)


def test_a_reader_who_chose_english_stays_on_english_and_their_copy_is_not_shared(client, petition):
    client.get(reverse("switch_language", args=["en"]), {"next": "/"})
    response = client.get(petition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert response.status_code == 200 and '<html lang="en">' in response.content.decode()
    # A cache keyed on Accept-Language would give this English copy to every
    # Spanish browser, which should be sent to /es/: it is this reader's own.
    assert "private" in cache_control(response) and "public" not in cache_control(response)


def test_the_admin_does_not_follow_the_browsers_language(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("organizer", "o@example.org", "x" * 16))
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert response.status_code == 200 and "Site administration" in response.content.decode()


def test_a_signature_made_in_spanish_is_stored_as_spanish(client, petition, signer_data):
    with translation.override("es"):
        url = reverse("petition:sign", args=[petition.slug])
    response = client.post(url, signer_data())
    assert response["Location"] == f"/es/petitions/{petition.slug}/thanks/"
    assert Signature.objects.get().language == "es"
    assert "Gracias por firmar" in client.get(response["Location"]).content.decode()


def test_switching_language_from_a_form_with_errors_lands_on_the_campaign_page(client, petition, signer_data):
    html = client.post(
        reverse("petition:sign", args=[petition.slug]), signer_data(email="x")
    ).content.decode()
    assert f'/language/es/?next=%2Fpetitions%2F{petition.slug}%2F"' in html


def test_the_first_campaign_has_next_goals_past_ten_thousand(seeded_petition):
    assert seeded_petition.target_for(10_000) == 15_000


def test_country_names_are_in_the_readers_language(client, petition):
    with translation.override("es"):
        url = petition.get_absolute_url()
    assert '<option value="US" selected>Estados Unidos</option>' in client.get(url).content.decode()
    # A request leaves its language active in this thread: ask for the English URL explicitly.
    with translation.override("en"):
        url = petition.get_absolute_url()
    assert '<option value="US" selected>United States of America</option>' in client.get(url).content.decode()


def test_an_organizer_who_chose_spanish_gets_the_admin_in_spanish(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("organizadora", "o@example.org", "x" * 16))
    assert "Site administration" in client.get(reverse("admin:index")).content.decode()
    client.get(reverse("switch_language", args=["es"]), {"next": "/"})
    assert "Sitio administrativo" in client.get(reverse("admin:index")).content.decode()

"""manage.py send_update: the same services as admin, with a confirmation showing the count."""

import io

import pytest
from django.core.management import CommandError, call_command

from updates.models import Delivery, Update


@pytest.fixture
def texts(tmp_path):
    english = tmp_path / "update.md"
    english.write_text("We **delivered** it.", encoding="utf-8")
    spanish = tmp_path / "update.es.md"
    spanish.write_text("La **entregamos**.", encoding="utf-8")
    return english, spanish


def test_it_publishes_and_queues_the_email_with_yes(make_petition, supporter, texts):
    petition = make_petition()
    supporter(petition, "ana@example.org", language="es")
    english, spanish = texts
    out = io.StringIO()
    call_command(
        "send_update",
        petition.slug,
        "--subject",
        "Delivered",
        "--body-file",
        str(english),
        "--spanish-file",
        str(spanish),
        "--spanish-subject",
        "Entregada",
        "--yes",
        stdout=out,
    )
    update = Update.objects.get()
    assert (update.title, update.body_es, update.title_es) == ("Delivered", "La **entregamos**.", "Entregada")
    assert update.published_at and update.sending == Update.Sending.SENDING
    assert Delivery.objects.filter(update=update).count() == 1
    assert "emailing it to 1 supporter(s)" in out.getvalue()


def test_no_email_only_publishes(make_petition, supporter, texts):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    call_command(
        "send_update", petition.slug, "--subject", "S", "--body-file", str(texts[0]), "--no-email", "--yes"
    )
    update = Update.objects.get()
    assert update.published_at and update.sending == "" and not Delivery.objects.exists()


def test_without_a_terminal_and_without_yes_it_refuses(make_petition, texts, monkeypatch):
    petition = make_petition()
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    with pytest.raises(CommandError, match="--yes"):
        call_command("send_update", petition.slug, "--subject", "S", "--body-file", str(texts[0]))
    assert not Update.objects.exists()


def test_on_a_terminal_it_shows_the_count_and_stops_unless_confirmed(
    make_petition, supporter, texts, monkeypatch
):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    supporter(petition, "bob@example.org")
    asked = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda question: asked.append(question) or "n")
    with pytest.raises(CommandError, match="Nothing published"):
        call_command("send_update", petition.slug, "--subject", "S", "--body-file", str(texts[0]))
    assert "email it to 2 supporter(s)" in asked[0]
    assert not Update.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["no-such-petition", "--subject", "S", "--body-file", "{english}"], "No petition"),
        (["{slug}", "--subject", "S", "--body-file", "/nonexistent.md", "--yes"], "Cannot read"),
        (["{slug}", "--subject", "", "--body-file", "{english}", "--yes"], "title"),
        (
            ["{slug}", "--subject", "S", "--body-file", "{english}", "--spanish-subject", "E", "--yes"],
            "--spanish-file",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(make_petition, texts, arguments, message):
    petition = make_petition()
    filled = [a.format(slug=petition.slug, english=texts[0]) for a in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("send_update", *filled)
    assert not Update.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(make_petition, tmp_path):
    petition = make_petition()
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("send_update", petition.slug, "--subject", "S", "--body-file", str(binary), "--yes")

"""The signer cookie: what the pages after the form show back to the signer, signed on their browser."""

import json

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from signatures.signer_cookie import (
    SIGNER_COOKIE,
    SIGNER_COOKIE_SALT,
    SIGNER_COOKIE_SECONDS,
)
from tests.support.factories import form_fields


def test_signing_leaves_a_signed_httponly_cookie_of_a_day_with_the_address_state_and_zip(
    client, rf, make_petition, signer_data, settings
):
    settings.SESSION_COOKIE_SECURE = True
    petition = make_petition(requires_confirmation=True)
    response = client.post(
        reverse("petition:sign", args=[petition.slug]), form_fields(petition, **signer_data())
    )
    cookie = response.cookies[SIGNER_COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == SIGNER_COOKIE_SECONDS == 24 * 3600
    # Django's signed cookie (set_signed_cookie), holding JSON: readable, not forgeable.
    request = rf.get("/")
    request.COOKIES[SIGNER_COOKIE] = cookie.value
    value = request.get_signed_cookie(SIGNER_COOKIE, salt=SIGNER_COOKIE_SALT, max_age=SIGNER_COOKIE_SECONDS)
    assert json.loads(value) == {"email": "maria@example.org", "state": "TX", "zip": "78205"}
    assert "maria@example.org" in client.get(response["Location"]).content.decode()


def test_a_forged_or_foreign_signer_cookie_shows_nothing(make_petition):
    petition = make_petition(requires_confirmation=True)
    check_email = reverse("signatures:check_email", args=[petition.slug])
    forged = Client()
    forged.cookies[SIGNER_COOKIE] = json.dumps({"email": "someone@example.org", "state": "TX"})
    assert "someone@example.org" not in forged.get(check_email).content.decode()
    # The same JSON signed for another purpose (another salt) is refused too.
    other = HttpResponse()
    other.set_signed_cookie(SIGNER_COOKIE, '{"email":"someone@example.org"}', salt="another")
    forged.cookies[SIGNER_COOKIE] = other.cookies[SIGNER_COOKIE].value
    assert "someone@example.org" not in forged.get(check_email).content.decode()

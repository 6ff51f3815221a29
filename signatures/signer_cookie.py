"""What the signer typed that the next pages show back to them: a signed cookie on their own browser.

The address the mail went to, and the state and 5-digit ZIP for their members
of Congress (the lawmakers app names them), never in a URL. Not the session, so that signing touches neither the session
table nor Redis, and keeps working without Redis.
"""

import json

from django.conf import settings

SIGNER_COOKIE = "signer"
SIGNER_COOKIE_SALT = "signatures.signer"
SIGNER_COOKIE_SECONDS = 24 * 3600


def remember_signer(response, *, email: str, state: str = "", zip: str = "", cross_site: bool = False):
    """Keep what the next pages show back; zip is zips.zip5() of the postal code ("" outside the US); cross_site: see _partitioned."""
    value = json.dumps({"email": email, "state": state, "zip": zip}, separators=(",", ":"))
    response.set_signed_cookie(
        SIGNER_COOKIE,
        value,
        salt=SIGNER_COOKIE_SALT,
        max_age=SIGNER_COOKIE_SECONDS,
        secure=True if cross_site else settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="None" if cross_site else "Lax",
    )
    return _partitioned(response) if cross_site else response


def _partitioned(response):
    """The cookie for the next page inside a partner's frame (petition/embed.py), partitioned.

    There it is a third-party cookie: a Lax one is neither stored nor sent,
    and browsers that block third-party cookies (Chromium does) keep one only
    when it is partitioned (CHIPS): kept for that partner's site alone, so it
    tells no other site anything. It needs Secure and SameSite=None
    (http://localhost counts as secure). Python's cookie module cannot write
    the Partitioned attribute before 3.14, so the cookie Django made is sent
    as a header of its own with the attribute added.
    """
    morsel = response.cookies.pop(SIGNER_COOKIE)
    response["Set-Cookie"] = f"{morsel.OutputString()}; Partitioned"
    return response


def remembered_signer(request) -> dict:
    """What remember_signer kept: {"email": ..., "state": ..., "zip": ...}, or {} without a valid cookie of the last day.

    A cookie from before the ZIP was kept has no "zip".
    """
    value = request.get_signed_cookie(
        SIGNER_COOKIE, default=None, salt=SIGNER_COOKIE_SALT, max_age=SIGNER_COOKIE_SECONDS
    )
    return json.loads(value) if value is not None else {}

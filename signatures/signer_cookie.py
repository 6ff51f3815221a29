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


def remember_signer(response, *, email: str, state: str = "", zip: str = ""):
    """Keep what the next pages show back; zip is zips.zip5() of the postal code ("" outside the US)."""
    value = json.dumps({"email": email, "state": state, "zip": zip}, separators=(",", ":"))
    response.set_signed_cookie(
        SIGNER_COOKIE,
        value,
        salt=SIGNER_COOKIE_SALT,
        max_age=SIGNER_COOKIE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def remembered_signer(request) -> dict:
    """What remember_signer kept: {"email": ..., "state": ..., "zip": ...}, or {} without a valid cookie of the last day.

    A cookie from before the ZIP was kept has no "zip".
    """
    value = request.get_signed_cookie(
        SIGNER_COOKIE, default=None, salt=SIGNER_COOKIE_SALT, max_age=SIGNER_COOKIE_SECONDS
    )
    return json.loads(value) if value is not None else {}

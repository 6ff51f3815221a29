"""What the signer typed that the next pages show back to them: a signed cookie on their own browser.

The address the mail went to and the state for their members of Congress,
never in a URL. Not the session, so that signing touches neither the session
table nor Redis, and keeps working without Redis.
"""

import json

from django.conf import settings

SIGNER_COOKIE = "signer"
SIGNER_COOKIE_SALT = "signatures.signer"
SIGNER_COOKIE_SECONDS = 24 * 3600


def remember_signer(response, *, email: str, state: str = "", cross_site: bool = False):
    """Keep what the signer typed on their browser. cross_site: for the next page inside a
    partner's frame (petition/embed.py), where a Lax cookie is neither stored nor sent;
    browsers take SameSite=None only with Secure (http://localhost counts as secure)."""
    value = json.dumps({"email": email, "state": state}, separators=(",", ":"))
    response.set_signed_cookie(
        SIGNER_COOKIE,
        value,
        salt=SIGNER_COOKIE_SALT,
        max_age=SIGNER_COOKIE_SECONDS,
        secure=True if cross_site else settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="None" if cross_site else "Lax",
    )
    return response


def remembered_signer(request) -> dict:
    """What remember_signer kept: {"email": ..., "state": ...}, or {} without a valid cookie of the last day."""
    value = request.get_signed_cookie(
        SIGNER_COOKIE, default=None, salt=SIGNER_COOKIE_SALT, max_age=SIGNER_COOKIE_SECONDS
    )
    return json.loads(value) if value is not None else {}

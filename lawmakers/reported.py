"""Which calls and messages this browser has reported: a signed cookie, so each counts once per browser.

Kept in the visitor's own browser, never on the server: the tally stays a
number per member with nothing that leads back to a person. Clearing cookies
lets a browser report again; the rate limit per connection bounds that.
"""

from django.conf import settings

REPORTED_COOKIE = "reported"
REPORTED_SALT = "lawmakers.reported"
REPORTED_SECONDS = 365 * 24 * 3600
# A browser's last reports; older ones drop off so the cookie stays small
# (each entry is about 20 bytes; a cookie holds 4,096).
REPORTED_MAX = 100


def entry(petition, bioguide: str, action: str) -> str:
    return f"{petition.pk}:{bioguide}:{action}"


def reported(request) -> list[str]:
    value = request.get_signed_cookie(
        REPORTED_COOKIE, default="", salt=REPORTED_SALT, max_age=REPORTED_SECONDS
    )
    return value.split(",") if value else []


def remember_reported(request, response, new_entry: str):
    entries = [*reported(request), new_entry][-REPORTED_MAX:]
    response.set_signed_cookie(
        REPORTED_COOKIE,
        ",".join(entries),
        salt=REPORTED_SALT,
        max_age=REPORTED_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response

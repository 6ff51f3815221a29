"""A partner site's origin (scheme://host[:port]), as a Content-Security-Policy source names it.

An origin is what a browser compares when it decides whether a page may be
framed: the scheme, the host and the port, nothing else. A path, a query, a
user name or a wildcard would either never match or match more than the
organizer meant, so they are refused with a message saying which part to drop.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(value: str) -> str:
    """The origin as browsers write it: lowercase, without a default port or a trailing slash.

    Raises ValidationError with a message for the organizer when value is not
    exactly an origin.
    """
    text = (value or "").strip()
    if "*" in text:
        raise ValidationError(
            _("List each partner site on its own: wildcards are not allowed."), code="wildcard"
        )
    try:
        URLValidator(schemes=["http", "https"])(text)
        parts = urlsplit(text)
        port = parts.port
    except (ValidationError, ValueError):
        raise ValidationError(
            _("Enter an origin like https://partner.example.org (scheme and host, and a port if needed)."),
            code="invalid",
        ) from None
    if parts.username or parts.password:
        raise ValidationError(_("Leave out the user name and password."), code="userinfo")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValidationError(
            _("Only the origin: leave out the path, the query and anything after the host and port."),
            code="path",
        )
    host = parts.hostname
    if ":" in host:  # IPv6
        host = f"[{host}]"
    origin = f"{parts.scheme.lower()}://{host}"
    if port is not None and port != DEFAULT_PORTS[parts.scheme.lower()]:
        origin += f":{port}"
    return origin


def validate_origin(value: str) -> None:
    normalise_origin(value)

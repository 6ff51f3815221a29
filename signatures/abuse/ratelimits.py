"""Rate limits on signing, on the forms that take an address and on admin sign-in, shared through the cache.

django-ratelimit counts in the default cache (Redis in production). When the
cache cannot be reached the limits fail open: signing goes on unlimited and a
warning is logged. django-ratelimit itself only fails open when the cache
returns nothing; a Redis that is down raises, so the call is wrapped here.
"""

import functools
import logging
import secrets

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

from signatures.abuse.signals import client_ip, ip_key
from signatures.canonical import canonical_email
from signatures.models import AllowListEntry

logger = logging.getLogger(__name__)

MINUTE, HOUR = 60, 3600


def over_limit(request, *, group: str, value: str, limit: int, seconds: int) -> bool:
    """Count this request against (group, value); True when it goes over limit."""
    # Once the cache has failed, the request's other limits skip it rather
    # than each wait for their own timeout.
    if getattr(request, "_rate_limit_cache_down", False):
        return False
    try:
        usage = get_usage(
            request,
            group=group,
            key=lambda _group, _request: value,
            rate=(limit, seconds),
            increment=True,
        )
    except (RedisError, OSError) as error:
        logger.warning("Rate limits not applied, the cache is unavailable: %s", error)
        request._rate_limit_cache_down = True
        return False
    return usage is not None and usage["should_limit"]


def too_many(request, *, retry_after: int, petition=None):
    response = render(
        request,
        "signatures/too_many.html",
        {"petition": petition, "minutes": max(1, retry_after // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def sign_limits_refusal(request, petition):
    """The 429 page when this signing request goes over the petition's limits, else None.

    Called before anything is stored. Per client address (or IPv6 /64) and
    petition: a burst window of a minute and a sustained window of an hour,
    unless the address is allow-listed. Per canonical email and petition: an
    hour, always. With RATELIMIT_ENABLE off (the benchmark) none of this runs,
    not even the allow-list query.
    """
    if not settings.RATELIMIT_ENABLE:
        return None
    ip = client_ip(request)
    address = ip_key(ip)
    if not AllowListEntry.objects.covers(ip):
        for name, limit, seconds in [
            ("burst", petition.ip_burst_limit, MINUTE),
            ("hour", petition.ip_hourly_limit, HOUR),
        ]:
            group = f"sign-ip-{name}:{petition.pk}"
            if over_limit(request, group=group, value=address, limit=limit, seconds=seconds):
                logger.info("Sign rate limit %s hit on petition %s", group, petition.pk)
                return too_many(request, retry_after=seconds, petition=petition)
    email = canonical_email(request.POST.get("email", ""))[:254]
    if "@" in email and over_limit(
        request,
        group=f"sign-email:{petition.pk}",
        value=email,
        limit=petition.email_hourly_limit,
        seconds=HOUR,
    ):
        return too_many(request, retry_after=HOUR, petition=petition)
    return None


def address_form_limits(view):
    """Refuse a POST of a form that takes an address (send again, withdrawal link) over its limits.

    Such a form acts only for an address that signed, so a stranger could try
    address after address: per client address (or IPv6 /64) an hour, across
    petitions, unless allow-listed; per canonical email and petition an hour,
    always (the inbox's owner is the one bothered). Nothing is stored for a
    refused request.
    """

    @functools.wraps(view)
    def limited(request, slug, *args, **kwargs):
        if not settings.RATELIMIT_ENABLE or request.method != "POST":
            return view(request, slug, *args, **kwargs)
        ip = client_ip(request)
        if not AllowListEntry.objects.covers(ip) and over_limit(
            request,
            group="address-form-ip",
            value=ip_key(ip),
            limit=settings.ADDRESS_FORM_IP_HOURLY_LIMIT,
            seconds=HOUR,
        ):
            logger.info("Address form rate limit hit per client address")
            return too_many(request, retry_after=HOUR)
        email = canonical_email(request.POST.get("email", ""))[:254]
        if "@" in email and over_limit(
            request,
            group=f"address-form-email:{slug}",
            value=email,
            limit=settings.ADDRESS_FORM_EMAIL_HOURLY_LIMIT,
            seconds=HOUR,
        ):
            logger.info("Address form rate limit hit per email")
            return too_many(request, retry_after=HOUR)
        return view(request, slug, *args, **kwargs)

    return limited


# Device cookies (OWASP's scheme against account lock-out): a browser an
# account signed in with before gets a signed cookie naming the account and
# the device, and its attempts at that account are not held back by
# failures from elsewhere.
DEVICE_COOKIE = "admin_device"
# Named after the module it was first written in; a new name would void every device cookie issued.
DEVICE_SALT = "signatures.ratelimits.admin-device"
DEVICE_MAX_AGE = 365 * 24 * HOUR


def _device(request, username: str) -> str | None:
    """The device id of a valid device cookie for username; None without one, or forged, or another's."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    if value is None:
        return None
    cookie_username, _, device = value.rpartition(":")
    return device if username and cookie_username == username else None


def admin_login(request, extra_context=None):
    """Django admin's sign-in, limited per client address and per account or device.

    An attempt at an account from a browser that signed in to it before is
    limited per that device; any other is limited per account. So failures
    from many addresses lock strangers out of the account for the window,
    not its owner in a browser they have used.
    """
    username = request.POST.get("username", "")[:150].strip().lower()
    if request.method == "POST":
        window = 15 * MINUTE
        keys = [("admin-login-ip", ip_key(client_ip(request)))]
        if device := _device(request, username):
            keys.append(("admin-login-device", device))
        elif username:
            keys.append(("admin-login-user", username))
        for group, value in keys:
            if over_limit(
                request, group=group, value=value, limit=settings.ADMIN_LOGIN_LIMIT, seconds=window
            ):
                logger.warning("Admin sign-in rate limit %s hit", group)
                return too_many(request, retry_after=window)
    response = admin.site.login(request, extra_context)
    if request.method == "POST" and request.user.is_authenticated and response.status_code == 302:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            f"{username}:{secrets.token_urlsafe(16)}",
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            path="/" + settings.ADMIN_URL,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response

"""Signals about who is signing, taken from the request without keeping personal data.

The client IP is kept only as a keyed hash (HMAC-SHA256 with IP_HASH_KEY): the
same address always gives the same hash, so organizers can see one address
signing many times, but the address cannot be recovered without the key.
"""

import hashlib
import hmac
import ipaddress
import re

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings


def client_ip(request) -> str:
    """The address of the person, not of the last proxy.

    Behind TRUSTED_PROXIES proxies each one appends the address it received the
    request from to X-Forwarded-For, so the client is that many entries from
    the right; anything further left was written by the client and may be
    forged. With no trusted proxy the header is ignored entirely.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and _valid_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    return remote if _valid_ip(remote) else "0.0.0.0"


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def ip_key(ip: str) -> str:
    """The unit that limits and hashes count: an IPv4 address, or an IPv6 /64 (one subscriber)."""
    address = ipaddress.ip_address(ip)
    if address.version == 6 and address.ipv4_mapped:  # a dual-stack socket's view of IPv4
        address = address.ipv4_mapped
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of value with IP_HASH_KEY: equal values give equal hashes, none can be reversed."""
    return hmac.new(settings.IP_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def ip_hash(ip: str) -> str:
    return keyed_hash(ip_key(ip))


# Checked in order: several browsers name others in their user agent
# (Chrome says Safari, Edge says Chrome), so the more specific come first.
_BOT = re.compile(r"bot\b|crawl|spider|slurp")
_USER_AGENT_FAMILIES = [
    ("headless", "Headless"),
    ("curl/", "curl"),
    ("wget/", "Wget"),
    ("python", "Python"),
    ("go-http-client", "Go"),
    ("java/", "Java"),
    ("okhttp", "OkHttp"),
    ("node", "Node"),
    ("edg/", "Edge"),
    ("opr/", "Opera"),
    ("samsungbrowser", "Samsung Internet"),
    ("fbav", "Facebook app"),
    ("instagram", "Instagram app"),
    ("whatsapp", "WhatsApp"),
    ("firefox", "Firefox"),
    ("fxios", "Firefox"),
    ("crios", "Chrome"),
    ("chrome", "Chrome"),
    ("safari", "Safari"),
]


def user_agent_family(user_agent: str) -> str:
    if not user_agent.strip():
        return "None"
    lowered = user_agent[:1000].lower()
    if _BOT.search(lowered):
        return "Bot"
    for needle, family in _USER_AGENT_FAMILIES:
        if needle in lowered:
            return family
    return "Other"


def is_disposable(domain: str) -> bool:
    return domain.lower() in DISPOSABLE_DOMAINS


def request_signals(request) -> dict:
    """What signature_create keeps about the request for abuse review."""
    return {
        "ip_hash": ip_hash(client_ip(request)),
        "user_agent_family": user_agent_family(request.META.get("HTTP_USER_AGENT", "")),
    }

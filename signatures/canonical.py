"""The canonical form of an email address: what makes two signatures one person."""

# Providers that deliver "a.b+tag@gmail.com" to "ab@gmail.com". Other providers
# may treat dots or tags as significant, so only these are folded.
DOT_AND_TAG_BLIND_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def canonical_email(address: str) -> str:
    """Lowercase and trim; for Gmail drop dots and +tags and fold googlemail.com into gmail.com."""
    address = address.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    if domain in DOT_AND_TAG_BLIND_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = DOT_AND_TAG_BLIND_DOMAINS[domain]
    return f"{local}@{domain}"

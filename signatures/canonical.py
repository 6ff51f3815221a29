"""The canonical form of an email address: what makes two signatures one person.

Two addresses that reach the same mailbox must give the same form, or one
person counts twice. The rules, in order:

1. Trim, and split at the last "@" (a quoted local part may hold one).
2. The domain: NFKC-normalised (fullwidth "ｇｍａｉｌ" is "gmail"), lowercased,
   a trailing dot dropped, then in its ASCII (IDNA, punycode) form, so that
   "bücher.example" and "xn--bcher-kva.example" are one domain. A domain IDNA
   cannot encode keeps its NFKC-lowercased text.
3. The local part: a quoted one ("x"@, "x+q"@) is unquoted and its backslash
   escapes removed; then NFKC-normalised and lowercased.
4. A "+tag" is dropped on every domain (as the UK Parliament's petitions site
   does): nearly every provider delivers "x+tag" to "x".
5. Yahoo's disposable addresses ("x-keyword" on yahoo.*, ymail.com,
   rocketmail.com) drop their "-keyword".
6. gmail.com and googlemail.com ignore dots too, and are one domain: gmail.com.

The result is "local@domain". Text without an "@" is only trimmed and lowercased.
"""

import re
import unicodedata

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
YAHOO_DOMAINS = {"ymail.com", "rocketmail.com"}
_ESCAPED = re.compile(r"\\(.)")


def canonical_email(address: str) -> str:
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address.lower()
    domain = _domain(domain)
    local = _fold(_unquote(local))
    # A local part that is all tag keeps it: "+x@" is an address of its own.
    local = local.split("+", 1)[0] or local
    if domain in YAHOO_DOMAINS or domain.startswith("yahoo."):
        local = local.split("-", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", "") or local, "gmail.com"
    return f"{local}@{domain}"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _domain(domain: str) -> str:
    domain = _fold(domain).removesuffix(".")
    try:
        # Python's codec is IDNA 2003: it also splits labels at the ideographic
        # and fullwidth full stops, as mail clients do.
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def _unquote(local: str) -> str:
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        return _ESCAPED.sub(r"\1", local[1:-1])
    return local

"""Share links for the thank-you page: one per channel, each with its ?src= code.

The code comes back with the people the link brings (the campaign page puts
it in the form) and is stored in Signature.source, so organizers can see
which channel works. Plain links: no third-party script is loaded.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


@dataclass(frozen=True)
class ShareLink:
    code: str
    label: str
    href: str


def share_url(petition, code: str) -> str:
    return f"{settings.SITE_URL}{petition.get_absolute_url()}?src={code}"


def share_links(petition) -> list[ShareLink]:
    title = petition.local_title
    invite = _("I signed “%(title)s”. Will you add your name?") % {"title": title}

    def url(code):
        return share_url(petition, code)

    return [
        ShareLink("wa", _("WhatsApp"), "https://wa.me/?" + urlencode({"text": f"{invite} {url('wa')}"})),
        ShareLink("fb", _("Facebook"), "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url("fb")})),
        ShareLink("x", _("X"), "https://x.com/intent/post?" + urlencode({"text": invite, "url": url("x")})),
        ShareLink(
            "em", pgettext("share channel", "Email"),
            "mailto:?subject=" + quote(title) + "&body=" + quote(f"{invite}\n\n{url('em')}"),
        ),
    ]

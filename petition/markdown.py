"""Campaign text: Markdown written by organizers, rendered and then sanitised.

Sanitising after rendering matters: Markdown passes raw HTML through, so an
organizer account (or a stolen one) could otherwise put script on the page.
"""

import functools

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "code",
    "pre",
    "cite",
    "q",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@functools.lru_cache(maxsize=64)
def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )

"""The PNG that link previews show: the petition's title and its progress.

Only public facts go into it (title, count, goal). The font (DejaVu Sans,
free to redistribute, see fonts/DejaVu-LICENSE.txt) ships with the code: the
image looks the same on every host, and Pillow's built-in font has no ñ or ¡.
"""

import io
import textwrap
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK = "#1b1b1b"
ACCENT = "#0b5cad"
TRACK = "#d5dbe3"
PAPER = "#ffffff"
BAND = "#f3f5f8"


def _wrapped(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Break text into lines that fit width pixels; the last kept line ends in an ellipsis if cut."""
    for chars in range(48, 10, -2):
        lines = textwrap.wrap(text, chars)
        if all(draw.textlength(line, font=font) <= width for line in lines):
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.;:") + "…"
    return lines


def draw(petition, *, count: int, target: int) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    title_font = ImageFont.truetype(FONT, size=56)
    text_font = ImageFont.truetype(FONT, size=38)

    y = MARGIN
    for line in _wrapped(pen, petition.local_title, title_font, WIDTH - 2 * MARGIN, 4):
        pen.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 72

    pen.rectangle([0, HEIGHT - 210, WIDTH, HEIGHT], fill=BAND)
    n, goal = number_format(count, force_grouping=True), number_format(target, force_grouping=True)
    line = ngettext(
        "%(n)s has signed. Let’s get to %(goal)s!",
        "%(n)s have signed. Let’s get to %(goal)s!",
        count,
    ) % {"n": n, "goal": goal}
    pen.text((MARGIN, HEIGHT - 180), line, font=text_font, fill=INK)
    bar = [MARGIN, HEIGHT - 100, WIDTH - MARGIN, HEIGHT - 64]
    pen.rounded_rectangle(bar, radius=18, fill=TRACK)
    filled = bar[0] + (bar[2] - bar[0]) * min(count, target) // max(target, 1)
    if filled > bar[0]:
        pen.rounded_rectangle([bar[0], bar[1], max(filled, bar[0] + 36), bar[3]], radius=18, fill=ACCENT)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

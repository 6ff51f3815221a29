"""Drawing a delivery packet with fpdf2: pages, running header, page numbers, tables.

fpdf2 is pure Python and embeds a subset of a TrueType font, so accents and
ñ print (and extract) correctly with nothing installed on the system. The
font is the DejaVu Sans the share image already ships. Everything here draws;
what goes into a packet is delivery/packets.py's to decide.
"""

from pathlib import Path

from django.utils.translation import gettext
from fpdf import FPDF, FontFace, TextStyle
from fpdf.enums import MethodReturnValue

FONT = Path(__file__).resolve().parent.parent / "petition" / "fonts" / "DejaVuSans.ttf"
FAMILY = "dejavu"
# Replaced by the page count when the document is written: long enough for a
# six-digit count (the Senators' packet of a large state runs to thousands of pages).
PAGES_ALIAS = "{pages-total}"
LINE = 5.0  # mm, one line of the signer table
TEXT_SIZE = 9
GREY = (90, 90, 90)
# The campaign text's Markdown, in the one face: emphasis prints plain (the
# repo ships no bold or italic DejaVu), code in DejaVu too (the PDF core
# Courier has no accents), headings in black.
HTML_STYLES = {
    **{tag: FontFace() for tag in ("b", "strong", "i", "em")},
    "code": FontFace(family=FAMILY),
    "pre": TextStyle(font_family=FAMILY, t_margin=4),
    "blockquote": TextStyle(color="#333333", t_margin=3, b_margin=3, l_margin=8),
    **{
        tag: TextStyle(font_size_pt=size, t_margin=5, b_margin=1)
        for tag, size in (("h2", 15), ("h3", 13), ("h4", 11))
    },
}


class Column:
    def __init__(self, heading: str, width: float):
        self.heading, self.width = heading, width


class PacketPDF(FPDF):
    """US Letter, a running header with the petition's title after the cover, "Page n of N" below."""

    def __init__(self, *, running_title: str, language: str):
        super().__init__(format="Letter", unit="mm")
        # Reading the font costs more than drawing a few thousand rows, and
        # the all-offices ZIP reads it once per office: one face only (see HTML_STYLES).
        self.add_font(FAMILY, fname=FONT)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_lang(language)
        self.set_title(running_title)
        self.set_creator("Petitions")
        self.set_font(FAMILY, size=TEXT_SIZE)
        self.running_title = self.fit(running_title, self.epw, size=8)
        self.page_label = gettext("Page %(page)s of %(pages)s")
        # The table being drawn: its headings are repeated at the top of each page.
        self.columns: list[Column] | None = None

    def fit(self, text: str, width: float, *, size: float = TEXT_SIZE) -> str:
        """text, cut with an ellipsis to fit width at this size."""
        self.set_font(FAMILY, size=size)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.running_title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*GREY)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.set_text_color(0)
        self.ln(3)
        if self.columns:
            self.table_headings()
        self.set_font(FAMILY, size=TEXT_SIZE)

    def footer(self):
        self.set_y(-13)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        page = self.page_label % {"page": self.page_no(), "pages": PAGES_ALIAS}
        self.cell(0, 5, page, align="C")
        self.set_text_color(0)

    # Blocks of text.

    def heading(self, text: str, *, size: int = 14) -> None:
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(FAMILY, size=TEXT_SIZE)

    def paragraph(self, text: str, *, size: float = 10) -> None:
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font(FAMILY, size=TEXT_SIZE)

    def html(self, html: str) -> None:
        self.set_font(FAMILY, size=10)
        self.write_html(html, font_family=FAMILY, tag_styles=HTML_STYLES)
        self.set_font(FAMILY, size=TEXT_SIZE)

    def figures(self, lines: list[tuple[str, str]]) -> None:
        """Label and value pairs, one per line, values aligned."""
        self.set_font(FAMILY, size=11)
        for label, value in lines:
            self.multi_cell(135, 6, label, align="L", new_x="RIGHT", new_y="TOP")
            self.cell(0, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_y(max(self.y, self.get_y()))
        self.ln(2)
        self.set_font(FAMILY, size=TEXT_SIZE)

    # Tables. Rows are drawn with text() at fixed positions, which is about
    # twice as fast as cell(); a value too wide for its column wraps.

    def table_start(self, columns: list[Column]) -> None:
        self.columns = columns
        self.table_headings()

    def table_end(self) -> None:
        self.columns = None
        self.ln(3)

    def table_headings(self) -> None:
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.row([column.heading for column in self.columns])
        self.set_text_color(0)
        self.set_font(FAMILY, size=TEXT_SIZE)

    def row(self, values: list[str], *, note: str = "") -> None:
        """One table row; note (a comment) goes below it across the page, indented."""
        lines = []
        for value, column in zip(values, self.columns, strict=True):
            value = value or ""
            # Most values are short: measuring them all would cost more than drawing.
            if len(value) * 2.4 > column.width and self.get_string_width(value) > column.width - 2:
                lines.append(
                    self.multi_cell(
                        column.width - 2, LINE, value, dry_run=True, output=MethodReturnValue.LINES
                    )
                )
            else:
                lines.append([value])
        height = LINE * max(len(column_lines) for column_lines in lines)
        if self.y + height > self.page_break_trigger:
            self.add_page()
        x, y = self.l_margin, self.y
        for column, column_lines in zip(self.columns, lines, strict=True):
            for n, text in enumerate(column_lines):
                self.text(x, y + LINE * n + 3.6, text)
            x += column.width
        self.set_xy(self.l_margin, y + height)
        if note:
            self.set_font(FAMILY, size=8)
            self.set_x(self.l_margin + 6)
            self.multi_cell(0, 4, f"“{note}”", align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(1)
            self.set_font(FAMILY, size=TEXT_SIZE)

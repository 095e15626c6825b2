"""Cell-width aware text helpers: CJK characters take two cells, and labels must fit columns.

Only unambiguous-width characters are produced here (no "…", "●" and the like), so the
columns line up the same in Windows Terminal and in CJK terminals that draw
ambiguous-width symbols wide.
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size

ELLIPSIS = ".."


def truncate(text: str, width: int, marker: str = ELLIPSIS) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``marker`` when something was cut."""
    text = " ".join(text.split())  # newlines and runs of spaces would break one-line labels
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    budget = width - cell_len(marker)
    if budget <= 0:
        return marker[:width]
    out = []
    used = 0
    for ch in text:
        w = get_character_cell_size(ch)
        if used + w > budget:
            break
        out.append(ch)
        used += w
    return "".join(out) + marker


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces (or truncated) to exactly ``width`` cells."""
    text = truncate(text, width)
    return text + " " * (width - cell_len(text))


def fmt_points(x: float) -> str:
    """Points without float noise: 10, 0.3, 18.25."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_time(iso: str, today_year: int | None = None) -> str:
    """An ISO timestamp as ``MM-DD HH:MM`` (this year) or ``YYYY-MM-DD`` (other years)."""
    if not iso:
        return ""
    date_part, _, rest = iso.partition("T")
    if today_year is not None and date_part[:4] == str(today_year) and rest:
        return f"{date_part[5:]} {rest[:5]}"
    return date_part


__all__ = ["ELLIPSIS", "cell_len", "fmt_points", "fmt_time", "pad", "truncate"]


# Characters that must not start a line (Chinese line-breaking rule, 避头点).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…,.;:?!)]}%")


def wrap_offsets(line: str, width: int) -> list[int]:
    """Offsets at which to break one line of text so no piece exceeds ``width`` cells.

    CJK text breaks between any two characters (except before closing punctuation); Latin
    text breaks at the last space when there is one in the piece. A linear pass over the
    characters: much cheaper than Rich's folding for long CJK paragraphs.
    """
    if width <= 0:
        return []
    offsets: list[int] = []
    used = 0
    start = 0
    last_space = -1
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        w = get_character_cell_size(ch)
        if used + w > width and i > start:
            cut = i
            if ch in _NO_LINE_START and cut - 1 > start:
                cut -= 1  # carry the previous character down with the punctuation
            elif ch != " " and last_space > start and not _is_wide(ch):
                cut = last_space + 1
            offsets.append(cut)
            start = cut
            used = sum(get_character_cell_size(c) for c in line[start:i])
            last_space = -1
            continue  # re-examine line[i] on the new line
        if ch == " ":
            last_space = i
        used += w
        i += 1
    return offsets


def _is_wide(ch: str) -> bool:
    return get_character_cell_size(ch) > 1


def wrap_text(text, width: int):
    """A Rich ``Text`` hard-wrapped to ``width`` cells (styles kept), for no_wrap rendering."""
    from rich.text import Text

    out = Text(no_wrap=True, end="")
    first = True
    for line in text.split("\n", allow_blank=True):
        offsets = wrap_offsets(line.plain, width)
        pieces = line.divide(offsets) if offsets else [line]
        for piece in pieces:
            if not first:
                out.append("\n")
            first = False
            out.append_text(piece)
    return out

"""What a figure on a page needs from its PNG and its description."""

from __future__ import annotations

import math
import re


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from the PNG's header, so the page reserves the figure's space."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("an image/png output that is not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def image_text(text: str) -> str:
    """A description on one line, escaped for the text of a Markdown image."""
    return re.sub(r"([\\\[\]*_`])", r"\\\1", " ".join(text.split()))


READABLE_TEXT_PX = 9  # the smallest text a figure may show on screen (issue 14)


def size_attrs(width: int, height: int, text_px: float | None) -> str:
    """attr_list attributes for a figure: its size, and with the size of its smallest text,
    the narrowest it may be shown so that text stays >= READABLE_TEXT_PX pixels:
    min-width = width * READABLE_TEXT_PX / text_px."""
    attrs = f"width={width} height={height}"
    if text_px:
        narrowest = min(width, math.ceil(width * READABLE_TEXT_PX / text_px))
        attrs += f' data-text-px={text_px} style="min-width: {narrowest}px"'
    return attrs

"""Small bar charts as PNG pictures, drawn in pure Python (no plotting library needed).

Enough for a person's load over four weeks and a team's weekly figures: bars in slots, some
marked, an optional dashed guide line (a threshold), numbered axes. Labels use a built-in 5x7
pixel font of digits and a few signs, so the picture needs no fonts and no translation.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

Colour = tuple[int, int, int]
BACKGROUND: Colour = (255, 255, 255)
AXIS: Colour = (120, 120, 120)
GRID: Colour = (228, 228, 228)
BAR: Colour = (74, 122, 181)
MARKED: Colour = (224, 144, 42)
GUIDE: Colour = (190, 80, 80)
TEXT: Colour = (70, 70, 70)

_FONT = {  # 5x7, one string per row, '#' is ink
    "0": ("01110", "10001", "10011", "10101", "11001", "10001", "01110"),
    "1": ("00100", "01100", "00100", "00100", "00100", "00100", "01110"),
    "2": ("01110", "10001", "00001", "00010", "00100", "01000", "11111"),
    "3": ("11110", "00001", "00001", "01110", "00001", "00001", "11110"),
    "4": ("00010", "00110", "01010", "10010", "11111", "00010", "00010"),
    "5": ("11111", "10000", "11110", "00001", "00001", "10001", "01110"),
    "6": ("00110", "01000", "10000", "11110", "10001", "10001", "01110"),
    "7": ("11111", "00001", "00010", "00100", "01000", "01000", "01000"),
    "8": ("01110", "10001", "10001", "01110", "10001", "10001", "01110"),
    "9": ("01110", "10001", "10001", "01111", "00001", "00010", "01100"),
    "/": ("00001", "00010", "00010", "00100", "01000", "01000", "10000"),
    ".": ("00000", "00000", "00000", "00000", "00000", "01100", "01100"),
    ":": ("00000", "01100", "01100", "00000", "01100", "01100", "00000"),
    "-": ("00000", "00000", "00000", "11111", "00000", "00000", "00000"),
    "%": ("11001", "11010", "00010", "00100", "01000", "01011", "10011"),
    " ": ("00000",) * 7,
}


@dataclass
class Bar:
    value: float
    marked: bool = False
    part: float = 0.0  # drawn in the marked colour from the bottom: "of which flagged"


@dataclass
class BarChart:
    """`slots` evenly spaced places along the x axis; `bars` fills some of them."""

    slots: int
    bars: Mapping[int, Bar]
    y_max: float
    y_ticks: tuple[float, ...] = ()
    guide: float | None = None
    x_labels: Mapping[int, str] = field(default_factory=dict)
    width: int = 800
    height: int = 420


class _Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(BACKGROUND) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: Colour) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        row = bytes(colour) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start : start + len(row)] = row

    def text(self, x: int, y: int, text: str, colour: Colour, scale: int = 2) -> None:
        for index, char in enumerate(text):
            glyph = _FONT.get(char, _FONT[" "])
            left = x + index * 6 * scale
            for gy, line in enumerate(glyph):
                for gx, ink in enumerate(line):
                    if ink == "1":
                        self.rect(
                            left + gx * scale,
                            y + gy * scale,
                            left + (gx + 1) * scale,
                            y + (gy + 1) * scale,
                            colour,
                        )

    def png(self) -> bytes:
        raw = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3])
            for y in range(self.height)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (
                struct.pack(">I", len(data))
                + kind
                + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
            )

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


def text_width(text: str, scale: int = 2) -> int:
    return len(text) * 6 * scale - scale


def render(chart: BarChart) -> bytes:
    """The chart as PNG bytes."""
    return render_panels([chart])


def render_panels(charts: list[BarChart]) -> bytes:
    """Several charts stacked top to bottom in one picture (all as wide as the first)."""
    width = charts[0].width
    canvas = _Canvas(width, sum(c.height for c in charts))
    offset = 0
    for chart in charts:
        _draw(canvas, chart, offset, width)
        offset += chart.height
    return canvas.png()


def _draw(canvas: _Canvas, chart: BarChart, offset: int, width: int) -> None:
    left, right, top, bottom = 56, width - 20, offset + 20, offset + chart.height - 44
    plot_height = bottom - top
    y_max = chart.y_max if chart.y_max > 0 else 1

    def y_of(value: float) -> int:
        return bottom - round(plot_height * min(value, y_max) / y_max)

    for tick in chart.y_ticks:
        y = y_of(tick)
        canvas.rect(left, y, right, y + 1, GRID)
        label = f"{tick:g}"
        canvas.text(left - 8 - text_width(label), y - 7, label, TEXT)
    slot_width = (right - left) / max(chart.slots, 1)
    bar_width = max(2, round(slot_width * 0.7))
    for slot, bar in sorted(chart.bars.items()):
        if not 0 <= slot < chart.slots:
            continue
        x0 = left + round(slot * slot_width + (slot_width - bar_width) / 2)
        y = y_of(bar.value)
        colour = MARKED if bar.marked else BAR
        canvas.rect(x0, y if bar.value > 0 else bottom - 2, x0 + bar_width, bottom, colour)
        if bar.part > 0:
            canvas.rect(x0, y_of(bar.part), x0 + bar_width, bottom, MARKED)
        if bar.marked:  # a small square above the bar, for those who cannot tell the colours
            mid = x0 + bar_width // 2
            canvas.rect(mid - 4, y - 14, mid + 4, y - 6, MARKED)
    if chart.guide is not None:
        y = y_of(chart.guide)
        for x in range(left, right, 12):
            canvas.rect(x, y, min(x + 6, right), y + 2, GUIDE)
    canvas.rect(left, top, left + 2, bottom + 1, AXIS)
    canvas.rect(left, bottom, right, bottom + 2, AXIS)
    for slot, label in chart.x_labels.items():
        centre = left + round((slot + 0.5) * slot_width)
        x = min(max(centre - text_width(label) // 2, 0), width - text_width(label))
        canvas.text(x, bottom + 12, label, TEXT)

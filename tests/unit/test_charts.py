"""The trend picture: a real PNG with heavy days visibly marked."""

from __future__ import annotations

import struct
import zlib

from core.charts import BAR, MARKED, Bar, BarChart, render


def decode(png: bytes) -> tuple[int, int, bytes]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    data = b""
    offset = 8
    while offset < len(png):
        length = struct.unpack(">I", png[offset : offset + 4])[0]
        kind = png[offset + 4 : offset + 8]
        body = png[offset + 8 : offset + 8 + length]
        crc = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])[0]
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IDAT":
            data += body
        offset += 12 + length
    raw = zlib.decompress(data)
    rows = [raw[y * (width * 3 + 1) + 1 : (y + 1) * (width * 3 + 1)] for y in range(height)]
    return width, height, b"".join(rows)


def colours(pixels: bytes) -> set[tuple[int, int, int]]:
    return {tuple(pixels[i : i + 3]) for i in range(0, len(pixels), 3)}  # type: ignore[misc]


def test_png_has_the_asked_size_and_both_kinds_of_bar() -> None:
    chart = BarChart(
        slots=28,
        bars={0: Bar(3), 5: Bar(9, marked=True)},
        y_max=10,
        y_ticks=(0, 5, 10),
        guide=7,
        x_labels={0: "27/10"},
        width=640,
        height=300,
    )
    width, height, pixels = decode(render(chart))
    assert (width, height) == (640, 300)
    found = colours(pixels)
    assert BAR in found
    assert MARKED in found


def test_no_marked_colour_without_a_marked_bar() -> None:
    _, _, pixels = decode(render(BarChart(slots=7, bars={1: Bar(4)}, y_max=10)))
    assert MARKED not in colours(pixels)


def test_taller_value_draws_a_taller_bar() -> None:
    def bar_height(value: float) -> int:
        width, height, pixels = decode(render(BarChart(slots=1, bars={0: Bar(value)}, y_max=10)))
        column = width // 2
        return sum(
            1
            for y in range(height)
            if tuple(pixels[(y * width + column) * 3 : (y * width + column) * 3 + 3]) == BAR
        )

    assert bar_height(8) > bar_height(4) > bar_height(1) > 0

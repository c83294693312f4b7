"""Server-drawn charts (SVG coordinates computed here; templates draw them). Pure."""

import math
from collections.abc import Sequence


def radar_points(values: Sequence[float | None], *, maximum: float, radius: float = 120,
                 centre: float = 160) -> str:  # fmt: skip
    """The polygon of a radar chart: one axis per value, clockwise from the top."""
    points = []
    for i, value in enumerate(values):
        angle = -math.pi / 2 + 2 * math.pi * i / len(values)
        r = radius * (value or 0) / maximum
        points.append(f"{centre + r * math.cos(angle):.1f},{centre + r * math.sin(angle):.1f}")
    return " ".join(points)


def radar_axes(count: int, *, radius: float = 120, centre: float = 160, label_at: float = 148
               ) -> list[dict[str, str]]:  # fmt: skip
    """The end of each axis line (x, y) and where its label goes (label_x, label_y)."""
    axes = []
    for i in range(count):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        axes.append({
            "x": f"{centre + radius * math.cos(angle):.1f}",
            "y": f"{centre + radius * math.sin(angle):.1f}",
            "label_x": f"{centre + label_at * math.cos(angle):.1f}",
            "label_y": f"{centre + label_at * math.sin(angle) + 4:.1f}",
        })  # fmt: skip
    return axes

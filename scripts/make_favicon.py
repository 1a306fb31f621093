"""Draw jaring/static/jaring/favicon.ico (16, 32 and 48 px) from the same net as favicon.svg, with Pillow.

The SVG is the icon modern browsers use; the ICO answers /favicon.ico for everything else. Run after changing
the mark: `.venv/bin/python scripts/make_favicon.py`."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

TEAL = (11, 92, 107, 255)
WHITE = (255, 255, 255, 255)
SCALE = 8  # drawn at 256 px (32 x 8), then scaled down smoothly
OUT = Path(__file__).resolve().parents[1] / "jaring" / "static" / "jaring" / "favicon.ico"


def mark() -> Image.Image:
    size = 32 * SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=7 * SCALE, fill=TEAL)
    width = 2 * SCALE
    for top in (10, 16, 22):  # the sagging ropes of the net (quadratic curves in the SVG)
        points = [(x, top + 6 * (1 - ((x - 16) / 11) ** 2) * 0.5) for x in [5 + i * 0.5 for i in range(45)]]
        draw.line([(x * SCALE, y * SCALE) for x, y in points], fill=WHITE, width=width, joint="curve")
    for x, bottom in ((10, 27), (16, 28), (22, 27)):
        draw.line([(x * SCALE, 6 * SCALE), (x * SCALE, bottom * SCALE)], fill=WHITE, width=width)
    return image


def main() -> None:
    image = mark()
    image.save(OUT, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"{OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

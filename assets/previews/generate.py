"""Regenerates the placeholder preview images (needs Pillow; not used by the build).

    python3 assets/previews/generate.py
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

W, H = 128, 96
OUT = Path(__file__).resolve().parent


def lerp(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def vgradient(top, bottom):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):
        d.line([(0, y), (W, y)], fill=lerp(top, bottom, y / (H - 1)))
    return img


def sunset():
    img = vgradient((72, 40, 120), (250, 150, 60))
    d = ImageDraw.Draw(img)
    d.ellipse([44, 44, 84, 84], fill=(255, 220, 90))
    d.rectangle([0, 70, W, H], fill=(40, 30, 70))
    return img


def mountains():
    img = vgradient((110, 170, 235), (200, 230, 250))
    d = ImageDraw.Draw(img)
    d.polygon([(-10, H), (40, 28), (90, H)], fill=(90, 100, 115))
    d.polygon([(40, H), (92, 18), (140, H)], fill=(70, 80, 95))
    d.polygon([(40, 28), (30, 40), (50, 40)], fill=(245, 245, 250))
    d.polygon([(92, 18), (80, 32), (104, 32)], fill=(245, 245, 250))
    return img


def stripes():
    img = Image.new("RGB", (W, H), (245, 240, 230))
    d = ImageDraw.Draw(img)
    for x in range(-H, W + H, 24):
        d.polygon([(x, 0), (x + 12, 0), (x + 12 - H, H), (x - H, H)], fill=(200, 40, 50))
    return img


def checker():
    img = Image.new("RGB", (W, H), (20, 120, 120))
    d = ImageDraw.Draw(img)
    for y in range(0, H, 16):
        for x in range(0, W, 16):
            if (x // 16 + y // 16) % 2 == 0:
                d.rectangle([x, y, x + 15, y + 15], fill=(230, 250, 245))
    return img


def target():
    img = Image.new("RGB", (W, H), (250, 250, 250))
    d = ImageDraw.Draw(img)
    colours = [(30, 60, 160), (250, 250, 250), (220, 50, 40), (250, 250, 250), (250, 200, 30)]
    for i, c in enumerate(colours):
        r = 44 - i * 9
        d.ellipse([W // 2 - r, H // 2 - r, W // 2 + r, H // 2 + r], fill=c)
    return img


def hills():
    img = vgradient((150, 210, 250), (230, 245, 255))
    d = ImageDraw.Draw(img)
    d.ellipse([-40, 55, 90, 150], fill=(90, 170, 70))
    d.ellipse([40, 62, 180, 160], fill=(60, 140, 50))
    d.rectangle([86, 40, 91, 70], fill=(100, 70, 40))
    d.ellipse([74, 20, 104, 50], fill=(30, 110, 40))
    d.ellipse([10, 8, 30, 28], fill=(255, 235, 120))
    return img


def night():
    img = vgradient((5, 10, 40), (30, 40, 90))
    d = ImageDraw.Draw(img)
    for i in range(40):
        x = (i * 73) % W
        y = (i * 37) % (H - 20)
        d.point((x, y), fill=(255, 255, 220))
    d.ellipse([86, 12, 112, 38], fill=(245, 240, 200))
    d.ellipse([94, 8, 118, 34], fill=lerp((5, 10, 40), (30, 40, 90), 0.2))
    return img


def waves():
    img = Image.new("RGB", (W, H), (240, 200, 230))
    d = ImageDraw.Draw(img)
    for band in range(6):
        pts = [(x, 16 * band + 8 + 6 * math.sin(x / 10 + band)) for x in range(0, W + 1, 4)]
        d.line(pts, fill=(120, 40, 140), width=4)
    return img


PICTURES = [sunset, mountains, stripes, checker, target, hills, night, waves]

for n, make in enumerate(PICTURES, start=1):
    img = make()
    stem = OUT / f"{n:02}"
    img.save(f"{stem}.jpg", "JPEG", quality=80, optimize=True)
    img.quantize(colors=32, dither=Image.Dither.NONE).save(f"{stem}.png", "PNG", optimize=True)
    img.save(f"{stem}.webp", "WEBP", quality=75, method=6)
    if n == 1:
        img.quantize(colors=32, dither=Image.Dither.NONE).save(f"{stem}.gif", "GIF", optimize=True)

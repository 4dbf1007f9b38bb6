#!/usr/bin/env python3
"""Makes the images loa's benchmarks, fixtures and site use: scenes drawn by this script
(sky, sun, hills, fields, houses, people), with film grain and texture so that they compress
like photographs, and phone-like EXIF (camera, date, a fake GPS position) so that the
stripping of metadata shows. Every image is made from a seed: the same command makes the same
files. Needs Pillow and numpy (`pip install pillow numpy`).

    make_images.py corpus OUT [N] [W H [START]]   N scenes (300) of W x H (4000 x 3000)
    make_images.py photos OUT             the site's article photos (content/)
    make_images.py fixtures OUT           the test site's images (tests/sites/images/)
"""
import io
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# A fake position (Hoan Kiem lake, Hanoi): it must never reach a published file.
GPS = {1: "N", 2: (21.0, 1.0, 44.0), 3: "E", 4: (105.0, 51.0, 7.0)}


def noise(rng, h, w, scale):
    """Smooth value noise: a small random grid scaled up."""
    small = rng.random((max(2, h // scale), max(2, w // scale))).astype(np.float32)
    img = Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    return np.asarray(img, dtype=np.float32) / 255.0


# Grain and texture fields, made once per size and shifted per image (making them is most of
# the time of a 12-megapixel scene).
_FIELDS = {}


def fields(w, h):
    if (w, h) not in _FIELDS:
        rng = np.random.default_rng(0)
        _FIELDS[(w, h)] = (
            (noise(rng, 2 * h, 2 * w, 3) - 0.5) * 40,
            rng.standard_normal((2 * h, 2 * w), dtype=np.float32) * 4.0,
        )
    return _FIELDS[(w, h)]


def scene(seed, w, h):
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    top = rng.uniform([40, 90, 160], [120, 170, 235])
    low = rng.uniform([180, 200, 220], [250, 235, 250])
    sky = (top[None, None, :] * (1 - y[..., None]) + low[None, None, :] * y[..., None]) * np.ones((1, w, 1))
    clouds = noise(rng, h, w, 160) * 0.6 + noise(rng, h, w, 40) * 0.4
    sky += (np.clip(clouds - 0.55, 0, 1) * 300)[..., None]
    img = Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    sx, sy, r = rng.uniform(0.1, 0.9) * w, rng.uniform(0.05, 0.3) * h, h * rng.uniform(0.03, 0.06)
    d.ellipse([sx - r, sy - r, sx + r, sy + r], fill=(255, 236, 170))
    # Hills, far to near, darker and greener as they come closer.
    for k in range(4):
        base = h * (0.45 + 0.12 * k)
        xs = np.linspace(0, w, 64)
        ys = base + np.cumsum(rng.normal(0, h * 0.01, 64))
        green = np.array([60 + 20 * k, 120 - 10 * k, 60]) * rng.uniform(0.8, 1.2)
        d.polygon([(0, h)] + list(zip(xs, ys)) + [(w, h)], fill=tuple(int(c) for c in green))
    # Houses and people in the foreground.
    for _ in range(rng.integers(3, 8)):
        hx, hy, hs = rng.uniform(0, w), rng.uniform(0.7, 0.9) * h, rng.uniform(0.05, 0.12) * h
        wall = tuple(int(c) for c in rng.uniform([150, 120, 90], [240, 220, 200]))
        d.rectangle([hx, hy - hs, hx + hs * 1.4, hy], fill=wall)
        d.polygon([(hx - hs * 0.1, hy - hs), (hx + hs * 0.7, hy - hs * 1.6), (hx + hs * 1.5, hy - hs)], fill=(150, 50, 40))
        d.rectangle([hx + hs * 0.55, hy - hs * 0.55, hx + hs * 0.85, hy], fill=(70, 45, 30))
    for _ in range(rng.integers(4, 12)):
        px, py, ps = rng.uniform(0, w), rng.uniform(0.8, 0.98) * h, rng.uniform(0.04, 0.08) * h
        shirt = tuple(int(c) for c in rng.uniform(0, 255, 3))
        d.ellipse([px - ps * 0.15, py - ps, px + ps * 0.15, py - ps * 0.7], fill=(230, 190, 160))
        d.rectangle([px - ps * 0.2, py - ps * 0.7, px + ps * 0.2, py - ps * 0.2], fill=shirt)
        d.rectangle([px - ps * 0.15, py - ps * 0.2, px + ps * 0.15, py], fill=(40, 40, 60))
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(img, dtype=np.float32)
    # Texture (grass, walls) and sensor grain: what makes a photo cost bytes.
    texture, grain = fields(w, h)
    ty, tx, gy, gx = (int(v) for v in rng.integers(0, [h, w, h, w]))
    a += (texture[ty : ty + h, tx : tx + w] * (y > 0.45))[..., None]
    a += grain[gy : gy + h, gx : gx + w][..., None]
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def phone_exif(orientation=1, artist=None):
    exif = Image.Exif()
    exif[0x010F] = "loa"
    exif[0x0110] = "Phone made by make_images.py"
    exif[0x0132] = "2026:11:15 08:30:00"
    if artist:
        exif[0x013B] = artist
    exif[0x0112] = orientation
    exif.get_ifd(0x8825).update(GPS)
    return exif


def save_jpeg(img, path, quality=88, orientation=1):
    img.save(path, "JPEG", quality=quality, exif=phone_exif(orientation, "Ban biên tập loa"))


def corpus(out, n=300, w=4000, h=3000, start=0):
    import os

    os.makedirs(out, exist_ok=True)
    for i in range(start, n):
        save_jpeg(scene(1000 + i, w, h), f"{out}/anh-{i:03}.jpg")


def photos(out):
    import os

    os.makedirs(out, exist_ok=True)
    # Phone-size (4:3) but modest: the repository stays small.
    save_jpeg(scene(7, 1600, 1200), f"{out}/lang-que.jpg", quality=80)
    save_jpeg(scene(11, 1600, 1200), f"{out}/xom-ben-doi.jpg", quality=80)


def fixtures(out):
    import os

    os.makedirs(out, exist_ok=True)
    # A photo wider than every width, with GPS.
    save_jpeg(scene(1, 800, 600), f"{out}/anh-chup.jpg", quality=70)
    # Taken with the phone turned: stored 600 x 400, shown 400 x 600.
    save_jpeg(scene(2, 600, 400), f"{out}/anh-doc.jpg", quality=70, orientation=6)
    # CMYK JPEG (as printers' files are).
    scene(3, 300, 225).convert("CMYK").save(f"{out}/anh-cmyk.jpg", "JPEG", quality=70)
    # 16-bit PNG with a text chunk naming a place.
    from PIL import PngImagePlugin

    a = np.asarray(scene(4, 320, 240).convert("L"), dtype=np.uint16) * 257
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "21.0289 N 105.8521 E")
    Image.fromarray(a.astype("<u2")).save(f"{out}/so-do.png", pnginfo=info)
    # An animated GIF of two frames.
    frames = [scene(5 + k, 200, 150).convert("P", palette=Image.ADAPTIVE) for k in range(2)]
    frames[0].save(f"{out}/dong.gif", save_all=True, append_images=frames[1:], duration=500, loop=0, comment=b"GPS 21.0289 105.8521")


if __name__ == "__main__":
    cmd, out = sys.argv[1], sys.argv[2]
    if cmd == "corpus":
        args = [int(a) for a in sys.argv[3:]]
        n = args[0] if args else 300
        w, h = (args[1], args[2]) if len(args) >= 3 else (4000, 3000)
        # START: make only photos START..N-1 (to share the work between processes).
        corpus(out, n, w, h, args[3] if len(args) >= 4 else 0)
    elif cmd == "photos":
        photos(out)
    elif cmd == "fixtures":
        fixtures(out)
    else:
        sys.exit(__doc__)

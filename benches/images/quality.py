#!/usr/bin/env python3
"""Quality and size of the 960 px copies that loa, Hugo and Zola made of the same photos
(benches/images/compare.sh): SSIM (scikit-image, on luma, data range 255) of each copy against
one reference, the photo turned upright and resized to 960 px with Pillow's Lanczos filter in
full precision, and the mean file size. Needs Pillow, numpy, scikit-image.

    quality.py IMG_DIR [K]     the first K pages (10)
"""
import html as entities
import os
import re
import sys

import numpy as np
from PIL import Image, ImageOps
from skimage.metrics import structural_similarity


def luma(img):
    return np.asarray(img.convert("L"), dtype=np.float64)


def copies(site, page):
    """Every local .webp/.jpg URL of a page's HTML, as files of its output, by (format, width)."""
    html = open(os.path.join(site, "public", "bai-viet", page, "index.html"), encoding="utf-8").read()
    found = {}
    # Zola's templates escape `/` in attributes (`&#x2F;`).
    for url in re.findall(r'(?:src|srcset)="([^"]+)"', html):
        url = entities.unescape(url)
        for part in url.split(","):
            u = part.strip().split(" ")[0]
            u = re.sub(r"^https?://[^/]+", "", u)
            if not re.search(r"\.(webp|jpg)$", u):
                continue
            f = os.path.join(site, "public", u.lstrip("/"))
            if not os.path.exists(f):
                continue
            with Image.open(f) as im:
                found[(u.rsplit(".", 1)[1], im.width)] = f
    return found


def main():
    root = sys.argv[1]
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    pages = [f"anh-{i:03}" for i in range(1, k + 1)]
    rows = {}
    for page in pages:
        src = os.path.join(root, "loa", "content", "bai-viet", page, "anh.jpg")
        with Image.open(src) as im:
            up = ImageOps.exif_transpose(im).convert("RGB")
        ref = luma(up.resize((960, round(up.height * 960 / up.width)), Image.LANCZOS))
        for tool in ("loa", "hugo", "zola"):
            site = os.path.join(root, tool)
            if not os.path.isdir(os.path.join(site, "public")):
                continue
            for (fmt, width), f in copies(site, page).items():
                if width != 960:
                    continue
                with Image.open(f) as im:
                    got = luma(im)
                h = min(got.shape[0], ref.shape[0])
                ssim = structural_similarity(ref[:h], got[:h], data_range=255)
                r = rows.setdefault((tool, fmt), [[], []])
                r[0].append(ssim)
                r[1].append(os.path.getsize(f))
    print(f"960 px copies of the first {k} photos: mean SSIM against a Lanczos reference, mean size")
    print("| tool | format | SSIM | KB |")
    print("|---|---|---|---|")
    for (tool, fmt), (s, b) in sorted(rows.items()):
        print(f"| {tool} | {fmt} | {np.mean(s):.4f} | {np.mean(b) / 1024:.0f} |")


if __name__ == "__main__":
    main()

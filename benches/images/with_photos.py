#!/usr/bin/env python3
"""The photo corpus in a large text site: issue 29's target 5 ("under 5 % added to the build
when warm") measured on the 10,000-article benchmark site, not on a site of photos alone.

usage: benches/images/with_photos.py CORPUS PHOTOS OUT [N] [WIDTHS]

CORPUS  a site made by `benches/gen_corpus.py --flavor loa --theme-from themes/loa`
PHOTOS  a folder of JPEGs (`benches/images/make_images.py corpus PHOTOS N [W H]`)
OUT     gets OUT/loa (N articles, every 33rd, turned into a bundle with one photo each, shown
        in its body) and OUT/loa-text (the same bundles without the photo): the two sites
        `benches/images/warm-pairs.sh` compares (IMG_DIR=OUT)
N       photos used (300); WIDTHS the `images.widths` of both sites' loa.yaml ("200, 400, 600",
        for 800 x 600 photos: the same files per photo as 480/960/1600 for 4000 x 3000)

Python 3 standard library only.
"""

import shutil
import sys
from pathlib import Path


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    corpus, photos_dir, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    widths = sys.argv[5] if len(sys.argv) > 5 else "200, 400, 600"
    photos = sorted(p for p in photos_dir.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))[:n]
    articles = sorted((corpus / "content" / "articles").glob("bai-viet-*.md"))[::33][: len(photos)]
    if len(photos) < n or len(articles) < n:
        print(f"with_photos.py: {len(photos)} photos and {len(articles)} articles for {n}", file=sys.stderr)
        return 1
    for name, with_photo in (("loa", True), ("loa-text", False)):
        site = out / name
        if site.exists():
            shutil.rmtree(site)
        site.mkdir(parents=True)
        for part in ("content", "themes"):
            shutil.copytree(corpus / part, site / part)
        config = (corpus / "loa.yaml").read_text(encoding="utf-8")
        (site / "loa.yaml").write_text(config + f"images:\n  widths: [{widths}]\n", encoding="utf-8")
        for k, (article, photo) in enumerate(zip(articles, photos)):
            flat = site / "content" / "articles" / article.name
            bundle = flat.with_suffix("")
            bundle.mkdir()
            text = flat.read_text(encoding="utf-8")
            flat.unlink()
            if with_photo:
                text = text.rstrip("\n") + f"\n\n![Ảnh buổi họp dân số {k}](anh.jpg)\n"
                shutil.copyfile(photo, bundle / "anh.jpg")
            (bundle / "index.md").write_text(text, encoding="utf-8")
    print(f"with_photos.py: {n} of the articles as bundles, with a photo in {out / 'loa'}, without in {out / 'loa-text'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

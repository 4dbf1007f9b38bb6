#!/usr/bin/env python3
"""Makes the TrueType fonts the share cards are drawn with (src/media/card.rs) from the theme's
Be Vietnam Pro web fonts (themes/loa/static/fonts/, OFL-1.1: see OFL.txt beside this script).

The theme ships each face as two woff2 subsets, `latin` and `vietnamese` (both are needed for
Vietnamese: à á â ã è é ê ò ó ô õ ù ú ý are in latin, ẩ ệ ờ… in vietnamese). A card needs one
font with outlines: this decompresses both subsets of a face and merges them into one TTF.

Run once, from the repository root, after the theme's fonts change:
    pip install fonttools brotli
    python3 src/media/fonts/make-ttf.py
"""
import os
import tempfile

from fontTools.merge import Merger
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
THEME = os.path.join(HERE, "..", "..", "..", "themes", "loa", "static", "fonts")
FACES = {"700-normal": "BeVietnamPro-Bold.ttf", "400-normal": "BeVietnamPro-Regular.ttf"}

for face, out in FACES.items():
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for subset in ("latin", "vietnamese"):
            font = TTFont(os.path.join(THEME, f"be-vietnam-pro-{subset}-{face}.woff2"))
            font.flavor = None
            path = os.path.join(tmp, f"{subset}.ttf")
            font.save(path)
            parts.append(path)
        merged = Merger().merge(parts)
        merged.save(os.path.join(HERE, out))
        print(out, os.path.getsize(os.path.join(HERE, out)), "bytes")

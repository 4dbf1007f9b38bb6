#!/usr/bin/env python3
"""Makes the real site's short video on Kết luận số 49-KL/TW's goals (static/video/): five
slides drawn from the site's own illustrations (static/anh/minh-hoa/, made by make_images.py)
with Vietnamese text in Be Vietnam Pro, joined with cross-fades into a silent MP4 (H.264,
1280 x 720, about 21 s), its poster (the first slide, JPEG) and WebVTT captions. Own work of
the loa editors, CC0 1.0 like the illustrations. Needs Pillow, numpy and ffmpeg (Debian's
`apt-get install ffmpeg`). The words are the site's own, from the approved article
content/bai-viet/ket-luan-49-kl-tw-nhung-diem-chinh.md.

    make_video.py REPO OUT      writes OUT/ket-luan-49-muc-tieu.{mp4,jpg,vtt}
"""
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw, ImageFilter, ImageFont

W, H = 1280, 720
SLIDE, FADE = 4.8, 0.6  # seconds each slide is shown, and of each cross-fade

# (background, small line above, large lines, caption)
SLIDES = [
    ("lang-que.jpg", "Kết luận số 49-KL/TW, ngày 10/5/2019, của Ban Bí thư",
     ["Khuyến học, khuyến tài,", "xây dựng xã hội học tập"],
     "Kết luận số 49-KL/TW ngày 10/5/2019 của Ban Bí thư về công tác khuyến học, khuyến tài, xây dựng xã hội học tập."),
    ("#1d4e89", "Mục tiêu: mỗi tổ chức đảng trở thành", ["Đơn vị học tập"],
     "Kết luận đặt mục tiêu: phấn đấu mỗi tổ chức đảng trở thành đơn vị học tập,"),
    ("#2f6b3a", "Mỗi cán bộ, đảng viên trở thành", ["Công dân học tập"],
     "mỗi cán bộ, đảng viên trở thành công dân học tập,"),
    ("#8a3b12", "Gia đình cán bộ, đảng viên trở thành", ["Gia đình học tập"],
     "và gia đình cán bộ, đảng viên trở thành gia đình học tập,"),
    ("xom-ben-doi.jpg", "Làm nòng cốt trong việc xây dựng", ["các mô hình học tập", "trong nhân dân"],
     "làm nòng cốt trong việc xây dựng các mô hình học tập trong nhân dân."),
]


def background(repo, spec):
    if spec.startswith("#"):
        return Image.new("RGB", (W, H), spec)
    img = Image.open(os.path.join(repo, "static/anh/minh-hoa", spec)).convert("RGB")
    # Cropped to 16:9 around the middle, then darkened above for the words (the player shows
    # the captions below).
    w, h = img.size
    ch = w * H // W
    img = img.crop((0, (h - ch) // 2, w, (h - ch) // 2 + ch)).resize((W, H), Image.LANCZOS)
    shade = Image.new("L", (W, H))
    ImageDraw.Draw(shade).rectangle([0, 0, W, H * 0.55], fill=170)
    shade = shade.filter(ImageFilter.GaussianBlur(60))
    return Image.composite(Image.new("RGB", (W, H), "#0b1a2a"), img, shade)


def slide(repo, fonts, spec, small, large):
    img = background(repo, spec)
    d = ImageDraw.Draw(img)
    regular, bold = fonts
    d.text((80, 60), "Khuyến học, khuyến tài · loa", font=ImageFont.truetype(fonts[0].path, 26), fill="#d0d8e0")
    y = 140
    d.text((80, y), small, font=regular, fill="#ffffff")
    y += 70
    for line in large:
        d.text((80, y), line, font=bold, fill="#ffe9a8")
        y += 84
    return img


def stamp(t):
    return f"00:{int(t // 60):02}:{t % 60:06.3f}"


def main(repo, out):
    os.makedirs(out, exist_ok=True)
    font_dir = os.path.join(repo, "src/media/fonts")
    fonts = (ImageFont.truetype(os.path.join(font_dir, "BeVietnamPro-Regular.ttf"), 40),
             ImageFont.truetype(os.path.join(font_dir, "BeVietnamPro-Bold.ttf"), 72))
    name = os.path.join(out, "ket-luan-49-muc-tieu")
    with tempfile.TemporaryDirectory() as tmp:
        inputs, filters = [], []
        for k, (spec, small, large, _) in enumerate(SLIDES):
            path = os.path.join(tmp, f"{k}.png")
            slide(repo, fonts, spec, small, large).save(path)
            if k == 0:
                slide(repo, fonts, spec, small, large).save(name + ".jpg", quality=85)
            inputs += ["-loop", "1", "-t", str(SLIDE), "-i", path]
        # Cross-fades: slide k starts at k * (SLIDE - FADE).
        last = "0:v"
        for k in range(1, len(SLIDES)):
            offset = k * (SLIDE - FADE)
            filters.append(f"[{last}][{k}:v]xfade=transition=fade:duration={FADE}:offset={offset:.2f}[v{k}]")
            last = f"v{k}"
        subprocess.run(
            ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", *inputs,
             "-filter_complex", ";".join(filters), "-map", f"[{last}]",
             "-r", "25", "-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p",
             "-crf", "28", "-tune", "stillimage", "-movflags", "+faststart", "-an",
             "-map_metadata", "-1", name + ".mp4"],
            check=True,
        )
    lines = ["WEBVTT", ""]
    for k, (_, _, _, caption) in enumerate(SLIDES):
        start = 0.0 if k == 0 else k * (SLIDE - FADE) + FADE / 2
        end = (k + 1) * (SLIDE - FADE) + FADE / 2 if k + 1 < len(SLIDES) else len(SLIDES) * (SLIDE - FADE) + FADE
        lines += [str(k + 1), f"{stamp(start)} --> {stamp(end)}", caption, ""]
    with open(name + ".vtt", "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

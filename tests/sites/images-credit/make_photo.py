"""Makes content/bai-viet/anh/anh-tac-gia.jpg and content/bai-viet/anh/so-do-tac-gia.png from the `images` fixture's
photo and diagram: their metadata replaced by an EXIF block carrying an author and a copyright
next to what must never be published (camera, serial number, comment, GPS position).
Standard library only: python3 make_photo.py (from this folder)."""
import struct

def entry(tag, kind, count, value):
    return struct.pack(">HHII", tag, kind, count, value)

def exif():
    texts = [(0x010F, b"PhoneMaker\0"), (0x013B, b"Nguyen Van An\0"),
             (0x8298, b"(c) Ban bien tap loa\0"), (0x010E, b"SECRET-COMMENT\0")]
    n0 = len(texts) + 2  # + ExifIFD and GPS pointers
    ifd0 = 8
    data0 = ifd0 + 2 + 12 * n0 + 4
    entries, data = [], b""
    for tag, t in texts:
        entries.append(entry(tag, 2, len(t), data0 + len(data)))
        data += t + (b"\0" if len(t) % 2 else b"")
    exif_ifd = data0 + len(data)
    serial = b"SERIAL-123456\0"
    exif_block_len = 2 + 12 * 2 + 4
    ser_at = exif_ifd + exif_block_len
    comment = b"ASCII\0\0\0SECRET-USERCOMMENT"
    com_at = ser_at + len(serial)
    gps_ifd = com_at + len(comment)
    entries += [entry(0x8769, 4, 1, exif_ifd), entry(0x8825, 4, 1, gps_ifd)]
    entries.sort()
    out = b"MM\0*" + struct.pack(">I", ifd0) + struct.pack(">H", n0) + b"".join(entries) + b"\0" * 4 + data
    out += struct.pack(">H", 2) + entry(0x9286, 7, len(comment), com_at) + entry(0xA431, 2, len(serial), ser_at) + b"\0" * 4
    out += serial + comment
    gps_data = gps_ifd + 2 + 12 * 4 + 4
    out += struct.pack(">H", 4)
    out += entry(1, 2, 2, 0x4E000000) + entry(2, 5, 3, gps_data) + entry(3, 2, 2, 0x45000000) + entry(4, 5, 3, gps_data + 24)
    out += b"\0" * 4
    out += struct.pack(">6I", 21, 1, 1, 1, 44, 1) + struct.pack(">6I", 105, 1, 51, 1, 7, 1)
    return out

def jpeg(src, dst):
    b = open(src, "rb").read()
    out, i = b[:2], 2
    while b[i + 1] != 0xDA:
        n = struct.unpack(">H", b[i + 2:i + 4])[0]
        if b[i + 1] != 0xE1:
            out += b[i:i + 2 + n]
            if b[i + 1] == 0xE0:
                e = b"Exif\0\0" + exif()
                out += b"\xff\xe1" + struct.pack(">H", len(e) + 2) + e
        i += 2 + n
    open(dst, "wb").write(out + b[i:])

def png(src, dst):
    import zlib
    b = open(src, "rb").read()
    out, i = b[:8], 8
    while i < len(b):
        n = struct.unpack(">I", b[i:i + 4])[0]
        kind = b[i + 4:i + 8]
        if kind == b"IDAT" and b"eXIf" not in out:
            e = exif()
            out += struct.pack(">I", len(e)) + b"eXIf" + e + struct.pack(">I", zlib.crc32(b"eXIf" + e))
        if kind not in (b"tEXt", b"iTXt", b"zTXt", b"eXIf"):
            out += b[i:i + 12 + n]
        i += 12 + n
    open(dst, "wb").write(out)

jpeg("../images/content/bai-viet/hop-dan/anh-chup.jpg", "content/bai-viet/anh/anh-tac-gia.jpg")
png("../images/static/anh/so-do.png", "content/bai-viet/anh/so-do-tac-gia.png")

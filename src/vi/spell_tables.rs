//! The tables `vi::spell` reads by: abbreviations, document types and issuers of codes,
//! units, and the words after which a Roman numeral is meant.
//!
//! Takes and gives nothing but constants. Must not: hold rules (they are in `vi::spell`).
//! Every reading here is in docs/huong-dan/truyen-thanh.md's table or its test
//! (`vi/testdata/readings.tsv`).

/// Built-in abbreviations: written form → reading. The site's own come first.
#[rustfmt::skip]
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("UBND", "Ủy ban nhân dân"), ("HĐND", "Hội đồng nhân dân"), ("MTTQ", "Mặt trận Tổ quốc"),
    ("MTTQVN", "Mặt trận Tổ quốc Việt Nam"), ("BCH", "Ban Chấp hành"), ("BCĐ", "Ban Chỉ đạo"),
    ("TW", "Trung ương"), ("THCS", "trung học cơ sở"),
    ("THPT", "trung học phổ thông"), ("TP.", "thành phố"), ("TP", "thành phố"),
    ("TP.HCM", "Thành phố Hồ Chí Minh"), ("TPHCM", "Thành phố Hồ Chí Minh"), ("HCM", "Hồ Chí Minh"),
    ("CNH-HĐH", "công nghiệp hóa, hiện đại hóa"), ("CNH", "công nghiệp hóa"), ("HĐH", "hiện đại hóa"),
    ("KT-XH", "kinh tế - xã hội"), ("XHCN", "xã hội chủ nghĩa"), ("CHXHCN", "Cộng hòa xã hội chủ nghĩa"),
    ("ĐCSVN", "Đảng Cộng sản Việt Nam"), ("VN", "Việt Nam"), ("QH", "Quốc hội"),
    ("ĐBQH", "đại biểu Quốc hội"), ("UBTVQH", "Ủy ban Thường vụ Quốc hội"), ("CP", "Chính phủ"),
    ("GD-ĐT", "giáo dục và đào tạo"), ("GD&ĐT", "giáo dục và đào tạo"), ("GDĐT", "giáo dục và đào tạo"),
    ("KH&CN", "khoa học và công nghệ"), ("KHCN", "khoa học và công nghệ"), ("CNTT", "công nghệ thông tin"),
    ("LĐTB&XH", "Lao động - Thương binh và Xã hội"), ("TNCS", "Thanh niên Cộng sản"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ"), ("LHPN", "Liên hiệp Phụ nữ"), ("CCB", "Cựu chiến binh"),
    ("CLB", "câu lạc bộ"), ("HTX", "hợp tác xã"), ("CAND", "Công an nhân dân"),
    ("QĐND", "Quân đội nhân dân"), ("BHYT", "bảo hiểm y tế"), ("BHXH", "bảo hiểm xã hội"),
    ("ATGT", "an toàn giao thông"), ("ATTP", "an toàn thực phẩm"), ("PCCC", "phòng cháy, chữa cháy"),
    ("NTM", "nông thôn mới"), ("XHHT", "xã hội học tập"), ("SGK", "sách giáo khoa"),
    ("ĐH", "đại học"), ("CĐ", "cao đẳng"), ("GS", "giáo sư"), ("PGS", "phó giáo sư"),
    ("TS", "tiến sĩ"), ("ThS", "thạc sĩ"), ("HU", "Huyện ủy"), ("TU", "Tỉnh ủy"), ("ĐU", "Đảng ủy"),
    ("UVBTV", "Ủy viên Ban Thường vụ"), ("BTV", "Ban Thường vụ"), ("TTXVN", "Thông tấn xã Việt Nam"), ("v.v.", "vân vân"),
    ("GDTX", "giáo dục thường xuyên"), ("TTHTCĐ", "trung tâm học tập cộng đồng"),
];

/// Document types written in codes (`KL` in `49-KL/TW`).
#[rustfmt::skip]
pub const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("KL", "Kết luận"), ("CT", "Chỉ thị"), ("NQ", "Nghị quyết"), ("QĐ", "Quyết định"), ("NĐ", "Nghị định"),
    ("TT", "Thông tư"), ("KH", "Kế hoạch"), ("HD", "Hướng dẫn"), ("TB", "Thông báo"), ("BC", "Báo cáo"),
    ("CV", "Công văn"), ("QC", "Quy chế"), ("QY", "Quy định"), ("TTr", "Tờ trình"), ("ĐA", "Đề án"),
    ("TTLT", "Thông tư liên tịch"), ("NQLT", "Nghị quyết liên tịch"), ("L", "Luật"),
];

/// Issuers written in codes (`TW` in `49-KL/TW`).
#[rustfmt::skip]
pub const ISSUERS: &[(&str, &str)] = &[
    ("TW", "Trung ương"), ("TTg", "Thủ tướng Chính phủ"), ("CP", "Chính phủ"), ("QH", "Quốc hội"),
    ("UBTVQH", "Ủy ban Thường vụ Quốc hội"), ("UBND", "Ủy ban nhân dân"), ("HĐND", "Hội đồng nhân dân"),
    ("BGDĐT", "Bộ Giáo dục và Đào tạo"), ("BNV", "Bộ Nội vụ"), ("BTC", "Bộ Tài chính"),
    ("BTGTW", "Ban Tuyên giáo Trung ương"), ("TU", "Tỉnh ủy"), ("HU", "Huyện ủy"), ("ĐU", "Đảng ủy"),
    ("TTr", "Thường trực"), ("VPCP", "Văn phòng Chính phủ"), ("KHVN", "Hội Khuyến học Việt Nam"),
];

/// Units read after a number.
#[rustfmt::skip]
pub(super) const UNITS: &[(&str, &str)] = &[
    ("km²", "ki-lô-mét vuông"), ("km2", "ki-lô-mét vuông"), ("m²", "mét vuông"), ("m2", "mét vuông"),
    ("m³", "mét khối"), ("m3", "mét khối"), ("km/h", "ki-lô-mét một giờ"), ("km", "ki-lô-mét"),
    ("ha", "héc-ta"), ("kg", "ki-lô-gam"), ("cm", "xăng-ti-mét"), ("mm", "mi-li-mét"), ("m", "mét"),
    ("°C", "độ C"), ("đ", "đồng"), ("VNĐ", "đồng"), ("VND", "đồng"), ("USD", "đô-la Mỹ"),
    ("%", "phần trăm"),
];

/// Words after which a Roman numeral is meant (`khóa XII`, `Đại hội XIII`, `Quý IV`).
pub(super) const ROMAN_CUES: &[&str] =
    &["khóa", "khoá", "hội", "quý", "thứ", "kỷ", "chương", "phần", "mục", "kỳ", "lần", "phụ", "lục", "cấp"];

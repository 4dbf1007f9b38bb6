#!/usr/bin/env python3
"""Synthetic corpus of Vietnamese outreach articles, for benchmarking loa against its peers.

usage: benches/gen_corpus.py --articles N --out DIR --flavor {loa,hugo,zola,neutral}
                             [--theme-from THEME_DIR] [--force] [--seed S]
       benches/gen_corpus.py --self-test

Article i (1-based) depends only on the seed and i, so the corpus of 1,000 articles is a prefix
of the corpus of 10,000 (same file names, same bytes), and every flavor carries the same
articles: the same titles, dates, tags, audiences, summaries and Markdown bodies. Only the
front-matter syntax and the site files around the articles differ. Bodies are ~700 words
(520 to 800 words aimed at, whitespace-separated) of Markdown: a lead, three to five `##` sections, sometimes a
`###`, a bulleted list, a numbered list, a quotation, a link and emphasis; a table in ~30% of
the articles and a fenced code block in ~10%. All text is in NFC.

Flavors (each writes DIR/content/articles/bai-viet-NNNNNN.md):
  loa      loa.yaml (title, base_url, language, a `tags` taxonomy, the eight audiences),
           content/_index.md and content/articles/_index.md (`kind: article`,
           `paginate_by: 10`); YAML front matter. With --theme-from THEME_DIR the theme folder is
           copied to DIR/themes/<its name> and named in loa.yaml (without it, the site needs a
           theme before loa can build it).
  hugo     the Hugo site of benches/peers/hugo (config, layouts, section file) around the
           articles; YAML front matter, taxonomies `tags` and `audiences`.
  zola     the Zola site of benches/peers/zola (config, templates, section file); TOML front
           matter, the summary as Zola's `description`, taxonomies under [taxonomies].
  neutral  the articles only, with the loa flavor's front matter.

Python 3 standard library only.
"""

import argparse
import json
import random
import shutil
import sys
import tempfile
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
DEFAULT_SEED = "2027"
FLAVORS = ("loa", "hugo", "zola", "neutral")
SECTION = "articles"          # content/articles/ in every flavor (serve_latency.py edits it)
NAME_DIGITS = 6               # bai-viet-000001.md: the same names for any N below 1,000,000

# ---------------------------------------------------------------------------------------------
# Vocabulary. Each article belongs to one field of outreach work and draws most of its words
# from it; the rest is shared.
# ---------------------------------------------------------------------------------------------

AUDIENCES = {                 # id -> display name, in the order loa.yaml lists them
    "nguoi-dan": "Người dân",
    "can-bo-co-so": "Cán bộ cơ sở",
    "dang-vien": "Đảng viên",
    "thanh-nien": "Thanh niên",
    "phu-nu": "Phụ nữ",
    "nguoi-cao-tuoi": "Người cao tuổi",
    "hoc-sinh-sinh-vien": "Học sinh, sinh viên",
    "nong-dan": "Nông dân",
}
AUDIENCE_WEIGHTS = [6, 4, 3, 3, 2, 2, 2, 2]

PROVINCES = [
    "Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Giang", "Thái Nguyên", "Lạng Sơn", "Cao Bằng",
    "Hà Giang", "Lào Cai", "Yên Bái", "Sơn La", "Điện Biên", "Lai Châu", "Hòa Bình",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Huế", "Đà Nẵng",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Gia Lai", "Đắk Lắk",
    "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Đồng Nai", "Thành phố Hồ Chí Minh",
    "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang",
    "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau",
]
PLACE_FORMS = [
    "xã {p}", "huyện miền núi {p}", "các phường của {p}", "vùng ven biển {p}",
    "vùng đồng bào dân tộc thiểu số {p}", "các khu công nghiệp {p}", "thôn bản vùng cao {p}",
]
PEOPLE = [
    "Nguyễn Thị Hằng", "Trần Văn Lộc", "Lê Thị Ngọc", "Phạm Quốc Việt", "Hoàng Thị Yến",
    "Vũ Đình Trọng", "Đặng Thị Thủy", "Bùi Văn Sáng", "Đỗ Thị Hường", "Ngô Minh Châu",
    "Dương Văn Khải", "Lý Thị Sen", "Giàng A Páo", "Lò Thị Ơn", "Y Blốc Niê",
]
NUMBERS = ["3", "7", "15", "40", "120", "250", "600", "1.200", "3.500", "12.000"]

# Fields: name -> (weight, tags, title topics, subjects, verbs, objects, standalone sentences)
FIELDS = {
    "khuyen-hoc": dict(
        weight=5,
        tags=["Khuyến học", "Xã hội học tập", "Học bổng", "Gia đình học tập",
              "Học tập suốt đời", "Thư viện cộng đồng", "Văn hóa đọc", "Vượt khó học giỏi"],
        topics=["phong trào khuyến học", "mô hình gia đình học tập", "quỹ học bổng thôn bản",
                "tủ sách cộng đồng", "lớp học xóa mù chữ", "học tập suốt đời"],
        subjects=["Chi hội khuyến học", "Trung tâm học tập cộng đồng", "Nhà trường",
                  "Các dòng họ", "Hội Khuyến học huyện"],
        verbs=["vận động nguồn lực cho", "trao học bổng để khích lệ", "mở rộng",
               "tổ chức ngày hội về", "duy trì đều đặn"],
        objects=["việc học của trẻ em nghèo", "phong trào đọc sách", "các lớp học buổi tối",
                 "danh hiệu công dân học tập", "quỹ khuyến học của thôn"],
        facts=["Mỗi suất học bổng tuy nhỏ nhưng giúp các em yên tâm đến trường.",
               "Tủ sách đặt ở nhà văn hóa mở cửa cả ngày thứ Bảy và Chủ nhật.",
               "Nhiều gia đình đã treo bằng công nhận gia đình học tập ở nơi trang trọng nhất."],
    ),
    "y-te": dict(
        weight=4,
        tags=["Y tế cơ sở", "Tiêm chủng", "Dinh dưỡng", "Bảo hiểm y tế", "Sức khỏe sinh sản",
              "Phòng chống dịch", "Nước sạch", "Vệ sinh an toàn thực phẩm"],
        topics=["tiêm chủng mở rộng", "phòng chống sốt xuất huyết", "bảo hiểm y tế hộ gia đình",
                "dinh dưỡng cho trẻ dưới năm tuổi", "khám sức khỏe người cao tuổi",
                "nước sạch nông thôn"],
        subjects=["Trạm y tế xã", "Cộng tác viên dân số", "Y tế thôn bản", "Trung tâm y tế huyện",
                  "Đoàn bác sĩ tình nguyện"],
        verbs=["hướng dẫn người dân về", "tổ chức khám miễn phí và tư vấn", "giám sát chặt chẽ",
               "đến từng hộ để tuyên truyền", "phối hợp với nhà trường trong"],
        objects=["lịch tiêm chủng của trẻ", "cách phòng bệnh mùa mưa", "quyền lợi bảo hiểm y tế",
                 "bữa ăn đủ chất", "việc diệt lăng quăng quanh nhà"],
        facts=["Sốt cao kéo dài trên hai ngày cần đưa người bệnh đến cơ sở y tế gần nhất.",
               "Thẻ bảo hiểm y tế điện tử có giá trị như thẻ giấy khi đi khám bệnh.",
               "Rửa tay bằng xà phòng trước khi ăn giúp phòng được nhiều bệnh đường ruột."],
    ),
    "chuyen-doi-so": dict(
        weight=4,
        tags=["Chuyển đổi số", "Dịch vụ công trực tuyến", "Kỹ năng số", "Thanh toán không dùng tiền mặt",
              "An toàn thông tin", "Định danh điện tử", "Tổ công nghệ số cộng đồng"],
        topics=["dịch vụ công trực tuyến", "định danh điện tử", "kỹ năng số cho người cao tuổi",
                "thanh toán không dùng tiền mặt ở chợ quê", "chống lừa đảo qua mạng",
                "tổ công nghệ số cộng đồng"],
        subjects=["Tổ công nghệ số cộng đồng", "Đoàn viên thanh niên", "Bộ phận một cửa",
                  "Bưu điện văn hóa xã", "Các hợp tác xã"],
        verbs=["cầm tay chỉ việc cho người dân về", "hướng dẫn từng bước", "đưa vào sử dụng",
               "cảnh báo kịp thời về", "mở lớp học buổi tối về"],
        objects=["cách nộp hồ sơ trực tuyến", "ứng dụng định danh điện tử",
                 "mã QR thanh toán", "các thủ đoạn lừa đảo qua điện thoại", "sàn thương mại điện tử"],
        facts=["Không cung cấp mã OTP cho bất kỳ ai, kể cả người xưng là cán bộ.",
               "Hồ sơ nộp trực tuyến được trả kết quả qua bưu điện tận nhà.",
               "Một chiếc điện thoại thông minh đã thành công cụ làm ăn của nhiều nông hộ."],
    ),
    "phap-luat": dict(
        weight=3,
        tags=["Phổ biến pháp luật", "Hòa giải cơ sở", "Trợ giúp pháp lý", "Luật Đất đai",
              "Phòng chống bạo lực gia đình", "Quy chế dân chủ"],
        topics=["hòa giải ở cơ sở", "trợ giúp pháp lý miễn phí", "Luật Đất đai sửa đổi",
                "phòng chống bạo lực gia đình", "thực hiện dân chủ ở cơ sở"],
        subjects=["Tổ hòa giải thôn", "Tuyên truyền viên pháp luật", "Trung tâm trợ giúp pháp lý",
                  "Công an xã", "Ban thanh tra nhân dân"],
        verbs=["giải đáp thắc mắc của bà con về", "tổ chức buổi nói chuyện chuyên đề về",
               "hòa giải thành công nhiều vụ việc liên quan đến", "phát tờ gấp về",
               "lắng nghe ý kiến nhân dân về"],
        objects=["thủ tục cấp giấy chứng nhận quyền sử dụng đất", "quyền và nghĩa vụ công dân",
                 "tranh chấp ranh giới đất", "quy định mới về hộ tịch", "việc công khai ngân sách xã"],
        facts=["Người thuộc diện được trợ giúp pháp lý không phải trả bất kỳ khoản phí nào.",
               "Phần lớn mâu thuẫn trong khu dân cư được giải quyết ngay từ tổ hòa giải.",
               "Quy định mới được niêm yết công khai tại nhà văn hóa và trên loa truyền thanh."],
    ),
    "nong-nghiep": dict(
        weight=3,
        tags=["Nông thôn mới", "Nông nghiệp xanh", "Hợp tác xã", "OCOP", "Ứng phó biến đổi khí hậu",
              "Khuyến nông", "Giảm nghèo bền vững"],
        topics=["sản phẩm OCOP", "canh tác lúa giảm phát thải", "hợp tác xã kiểu mới",
                "chuyển đổi cây trồng thích ứng hạn mặn", "giảm nghèo bền vững"],
        subjects=["Cán bộ khuyến nông", "Hội Nông dân xã", "Hợp tác xã", "Các tổ hợp tác",
                  "Nhiều hộ nông dân"],
        verbs=["mạnh dạn áp dụng", "chuyển giao kỹ thuật về", "liên kết tiêu thụ",
               "nhân rộng mô hình", "ghi chép nhật ký đồng ruộng cho"],
        objects=["giống lúa chịu mặn", "quy trình sản xuất an toàn", "sản phẩm đặc sản địa phương",
                 "mô hình nuôi trồng kết hợp", "truy xuất nguồn gốc nông sản"],
        facts=["Nhờ liên kết với doanh nghiệp, giá bán ổn định hơn hẳn những năm trước.",
               "Sổ nhật ký đồng ruộng giúp nông sản đáp ứng yêu cầu truy xuất nguồn gốc.",
               "Lịch thời vụ năm nay được điều chỉnh sớm để tránh đợt xâm nhập mặn."],
    ),
    "an-toan-giao-thong": dict(
        weight=2,
        tags=["An toàn giao thông", "Đội mũ bảo hiểm", "Đã uống rượu bia không lái xe",
              "Cổng trường an toàn"],
        topics=["an toàn giao thông trước cổng trường", "đội mũ bảo hiểm cho trẻ em",
                "không lái xe sau khi uống rượu bia", "tuyến đường tự quản"],
        subjects=["Cảnh sát giao thông", "Đoàn thanh niên", "Ban đại diện cha mẹ học sinh",
                  "Các tổ tự quản", "Nhà trường"],
        verbs=["ra quân tuyên truyền về", "trao tặng mũ bảo hiểm và nhắc nhở", "tuần tra",
               "ký cam kết thực hiện", "sơn lại vạch kẻ đường quanh"],
        objects=["quy định nồng độ cồn", "tuyến đường đến trường", "các điểm đen tai nạn",
                 "việc chở trẻ em bằng xe máy", "hành lang an toàn đường bộ"],
        facts=["Trẻ em từ sáu tuổi trở lên ngồi sau xe máy phải đội mũ bảo hiểm cài quai đúng cách.",
               "Đã uống rượu bia thì không lái xe, dù chỉ một cốc.",
               "Số vụ va chạm trước cổng trường giảm rõ rệt từ khi có đội tình nguyện."],
    ),
}
COMMON_TAGS = ["Gương người tốt việc tốt", "Dân vận khéo", "Kinh nghiệm hay", "Đoàn thanh niên",
               "Hội Liên hiệp Phụ nữ", "Mặt trận Tổ quốc", "Loa truyền thanh", "Vùng cao"]

TITLE_FORMS = [
    "{Topic}: cách làm hay ở {place}",
    "{place_cap}: {n} hộ dân được hướng dẫn về {topic}",
    "Đưa {topic} đến gần hơn với người dân {place}",
    "Những điều người dân {place} cần biết về {topic}",
    "Hỏi – đáp: {topic} và quyền lợi của người dân {place}",
    "Gương sáng: {person} và {n} năm gắn bó với {topic}",
    "{place_cap} đẩy mạnh {topic} trong năm {year}",
    "Sơ kết {topic}: kết quả và bài học từ {place}",
]
HEADINGS = [
    "Bối cảnh", "Những con số đáng chú ý", "Cách làm ở cơ sở", "Người dân nói gì",
    "Khó khăn còn lại", "Việc cần làm tiếp theo", "Kinh nghiệm rút ra", "Vai trò của cán bộ cơ sở",
    "Hướng dẫn cụ thể", "Câu hỏi thường gặp", "Sự đồng hành của các đoàn thể",
]
SUBHEADINGS = ["Trường hợp cụ thể", "Ghi nhận tại thôn", "Một ngày cùng tổ tuyên truyền"]
CONNECTORS = ["Bên cạnh đó,", "Đáng chú ý,", "Theo báo cáo của xã,", "Thực tế cho thấy,",
              "Từ đầu năm đến nay,", "Nhờ vậy,", "Tuy nhiên,", "Song song với đó,"]
ADJUNCTS = ["ngay từ thôn, tổ dân phố", "bằng tiếng phổ thông và tiếng dân tộc",
            "qua loa truyền thanh vào buổi sáng", "vào các buổi tối cuối tuần",
            "một cách thiết thực", "với sự đồng thuận của nhân dân", "trong mùa mưa bão",
            "ở những nơi khó khăn nhất"]
GENERIC_FACTS = [
    "Thông tin được nhắc lại trên loa truyền thanh ba buổi mỗi tuần.",
    "Cán bộ xã đến tận nhà những hộ chưa nắm được thông tin.",
    "Kết quả được công khai tại nhà văn hóa để người dân cùng theo dõi.",
    "Ý kiến của bà con được ghi lại đầy đủ và chuyển đến cơ quan có thẩm quyền.",
    "Mô hình này đã được nhiều địa phương lân cận đến học hỏi.",
]
QUOTES = [
    ("Dễ trăm lần không dân cũng chịu, khó vạn lần dân liệu cũng xong.", "Chủ tịch Hồ Chí Minh"),
    ("Muốn xây dựng chủ nghĩa xã hội, trước hết cần có những con người xã hội chủ nghĩa.",
     "Chủ tịch Hồ Chí Minh"),
    ("Có thông tin sớm, bà con chủ động hơn nhiều, không còn lo bị thiệt.", "một người dân trong thôn"),
    ("Việc gì có lợi cho dân thì phải hết sức làm.", "Chủ tịch Hồ Chí Minh"),
    ("Chúng tôi đi từng ngõ, gõ từng nhà, nói đến khi bà con hiểu mới thôi.", "một cán bộ cơ sở"),
]
CHECKLIST = [
    "Mang theo căn cước khi đến làm thủ tục", "Hỏi cán bộ thôn khi chưa rõ thông tin",
    "Theo dõi loa truyền thanh của xã", "Lưu số điện thoại đường dây nóng của xã",
    "Kiểm tra kỹ nguồn tin trước khi chia sẻ", "Tham gia họp thôn định kỳ",
    "Nhắc người thân cùng thực hiện", "Phản ánh ngay khi phát hiện sai phạm",
]
STEPS = [
    "Chuẩn bị giấy tờ theo hướng dẫn", "Đến bộ phận một cửa hoặc truy cập cổng dịch vụ công",
    "Điền tờ khai và kiểm tra lại thông tin", "Nhận giấy hẹn hoặc mã hồ sơ",
    "Theo dõi tình trạng hồ sơ", "Nhận kết quả tại xã hoặc qua bưu điện",
]
TABLES = [
    ("Năm", "Số hộ tham gia", "Tỷ lệ (%)", "Kinh phí (triệu đồng)"),
    ("Thôn", "Số buổi tuyên truyền", "Lượt người nghe", "Tài liệu phát ra"),
    ("Quý", "Hồ sơ tiếp nhận", "Đúng hạn", "Trực tuyến (%)"),
]
CODE = [
    ("text", ["Mẫu tin phát trên loa truyền thanh:",
              "Kính thưa bà con, sáng Chủ nhật tuần này,",
              "trạm y tế xã tổ chức tiêm chủng tại nhà văn hóa thôn.",
              "Đề nghị các gia đình đưa trẻ đến đúng giờ."]),
    ("csv", ["thon,so_ho,da_huong_dan",
             "Thôn Đông,182,175", "Thôn Tây,96,90", "Thôn Nam,140,131", "Thôn Bắc,77,77"]),
    ("python", ["# Đếm số hộ đã được hướng dẫn theo từng thôn",
                "import csv",
                "with open(\"danh_sach.csv\", encoding=\"utf-8\") as f:",
                "    for dong in csv.DictReader(f):",
                "        ty_le = int(dong[\"da_huong_dan\"]) / int(dong[\"so_ho\"])",
                "        print(dong[\"thon\"], f\"{ty_le:.0%}\")"]),
]
LINKS = ["cổng dịch vụ công", "văn bản hướng dẫn", "trang thông tin của xã", "tài liệu hỏi – đáp"]
SUMMARY_FORMS = ["Những điều người dân cần biết về {topic}.",
                 "Cách {place} triển khai {topic}, qua lời kể của người trong cuộc.",
                 "Kết quả, khó khăn và việc cần làm tiếp theo về {topic}."]

DATE_FIRST = datetime(2019, 1, 1, tzinfo=timezone(timedelta(hours=7)))
DATE_DAYS = (datetime(2026, 10, 31) - datetime(2019, 1, 1)).days


def nfc(s):
    return unicodedata.normalize("NFC", s)


def pick_weighted(rng, items, weights, k):
    """k distinct items, each draw proportional to the weights of those left."""
    pool, ws, out = list(items), list(weights), []
    for _ in range(min(k, len(pool))):
        x = rng.random() * sum(ws)
        j = 0
        while j < len(ws) - 1 and x >= ws[j]:
            x -= ws[j]
            j += 1
        out.append(pool.pop(j))
        ws.pop(j)
    return out


def cap(s):
    return s[:1].upper() + s[1:]


class Writer:
    """The prose of one article, from its own random generator and field."""

    def __init__(self, rng, field):
        self.rng, self.f = rng, field

    def sentence(self):
        r, f = self.rng, self.f
        x = r.random()
        if x < 0.15:
            return r.choice(f["facts"] + GENERIC_FACTS)
        s = "%s %s %s %s." % (r.choice(f["subjects"]), r.choice(f["verbs"]), r.choice(f["objects"]),
                              r.choice(ADJUNCTS))
        if x < 0.40:
            s = r.choice(CONNECTORS) + " " + s[0].lower() + s[1:]
        elif x < 0.50:
            s = "Năm %d, %s đã có %s người tham gia, tăng %d%% so với năm trước." % (
                r.randint(2019, 2026), r.choice(["toàn xã", "cả huyện", "thôn", "phường"]),
                r.choice(NUMBERS), r.randint(3, 60))
        return s

    def paragraph(self, lo, hi):
        r = self.rng
        text = " ".join(self.sentence() for _ in range(r.randint(lo, hi)))
        if r.random() < 0.4:
            mark = r.choice(["**", "*"])
            text += " Điều cốt lõi là %s%s%s." % (mark, r.choice(self.f["objects"]), mark)
        return text

    def bullets(self):
        items = self.rng.sample(CHECKLIST, self.rng.randint(3, 6))
        return "\n".join("- %s." % s for s in items)

    def steps(self):
        n = self.rng.randint(3, len(STEPS))
        return "\n".join("%d. %s." % (k, s) for k, s in enumerate(STEPS[:n], 1))

    def quote(self):
        text, who = self.rng.choice(QUOTES)
        return "> %s\n>\n> — %s" % (text, who)

    def link(self):
        r = self.rng
        return "Xem thêm [%s](https://xa-mau.example.vn/thong-tin/%d) để biết chi tiết. %s" % (
            r.choice(LINKS), r.randint(100, 99999), self.sentence())

    def table(self):
        r = self.rng
        head = r.choice(TABLES)
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        first = r.randint(2019, 2023)
        for k in range(r.randint(3, 6)):
            label = {"Năm": str(first + k), "Thôn": "Thôn %d" % (k + 1), "Quý": "Quý %d" % (k % 4 + 1)}
            cells = [label[head[0]]] + [str(r.randint(5, 4000)) for _ in head[1:]]
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows)

    def code(self):
        lang, lines = self.rng.choice(CODE)
        return "```%s\n%s\n```" % (lang, "\n".join(lines))


def article(seed, i):
    """Article i (1-based): a dict of title, date, tags, audiences, summary and body.

    Depends only on (seed, i): a string seed gives the same sequence on every Python 3."""
    r = random.Random("loa-bench:%s:%d" % (seed, i))
    name = pick_weighted(r, list(FIELDS), [f["weight"] for f in FIELDS.values()], 1)[0]
    f = FIELDS[name]
    topic = r.choice(f["topics"])
    place = r.choice(PLACE_FORMS).format(p=r.choice(PROVINCES))
    title = r.choice(TITLE_FORMS).format(
        Topic=cap(topic), topic=topic, place=place, place_cap=cap(place), n=r.choice(NUMBERS),
        person=r.choice(PEOPLE), year=r.randint(2019, 2026))
    date = DATE_FIRST + timedelta(days=r.randrange(DATE_DAYS), minutes=6 * 60 + r.randrange(14 * 60))
    tags = pick_weighted(r, f["tags"], [1 / (k + 1) for k in range(len(f["tags"]))], r.randint(1, 3))
    tags += pick_weighted(r, COMMON_TAGS, [1] * len(COMMON_TAGS), r.randint(1, 2))
    audiences = pick_weighted(r, list(AUDIENCES), AUDIENCE_WEIGHTS, r.randint(1, 3))
    summary = r.choice(SUMMARY_FORMS).format(topic=topic, place=place)
    target = r.randint(520, 800)
    with_table = r.random() < 0.30
    with_code = r.random() < 0.10

    w = Writer(r, f)
    heads = r.sample(HEADINGS, r.randint(3, 5))
    sections = [[w.paragraph(2, 4)] for _ in heads]
    if r.random() < 0.3:
        sections[r.randrange(len(sections))].append("### " + r.choice(SUBHEADINGS))
    extras = [w.bullets(), w.steps(), w.quote(), w.link()]
    if with_table:
        extras.append(w.table())
    if with_code:
        extras.append(w.code())
    for block in extras:
        sections[r.randrange(len(sections))].append(block)
    lead = "**%s** %s" % (summary, w.paragraph(1, 3))

    def count():
        return len(lead.split()) + sum(len(h.split()) + 1 for h in heads) + sum(
            len(b.split()) for s in sections for b in s)

    while count() < target:
        s = sections[r.randrange(len(sections))]
        s.insert(r.randint(1, len(s)), w.paragraph(2, 5))
    parts = [lead]
    for h, s in zip(heads, sections):
        parts.append("## " + h)
        parts.extend(s)
    return {
        "title": nfc(title), "date": date, "tags": [nfc(t) for t in tags],
        "audiences": audiences, "summary": nfc(summary), "body": nfc("\n\n".join(parts) + "\n"),
    }


# ---------------------------------------------------------------------------------------------
# Flavors
# ---------------------------------------------------------------------------------------------

def q(s):
    """A double-quoted string, valid in YAML and in TOML (JSON's escapes are a subset of both)."""
    return json.dumps(s, ensure_ascii=False)


def front_matter(a, flavor):
    date = a["date"].isoformat()
    if flavor == "zola":
        lines = ["+++", "title = %s" % q(a["title"]), "date = %s" % date,
                 "description = %s" % q(a["summary"]), "", "[taxonomies]",
                 "tags = [%s]" % ", ".join(q(t) for t in a["tags"]),
                 "audiences = [%s]" % ", ".join(q(t) for t in a["audiences"]), "+++"]
    else:
        lines = ["---", "title: %s" % q(a["title"]), "date: %s" % date,
                 "summary: %s" % q(a["summary"]), "tags:"]
        lines += ["  - %s" % q(t) for t in a["tags"]]
        lines.append("audiences: [%s]" % ", ".join(a["audiences"]))
        lines.append("---")
    return "\n".join(lines) + "\n\n"



def article_name(i):
    return "bai-viet-%0*d.md" % (NAME_DIGITS, i)


def write_loa_site(out, theme_from):
    lines = []
    if theme_from:
        theme = Path(theme_from).resolve()
        if not theme.is_dir():
            sys.exit("gen_corpus.py: no theme folder %s" % theme_from)
        shutil.copytree(theme, out / "themes" / theme.name)
        lines.append("theme: %s" % theme.name)
    lines += ["title: %s" % q("Thông tin cơ sở – bộ thử hiệu năng"),
              "base_url: https://xa-mau.example.vn", "language: vi", "taxonomies: [tags]",
              "audiences:"]
    lines += ["  %s:\n    name: %s" % (k, q(v)) for k, v in AUDIENCES.items()]
    (out / "loa.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "content" / SECTION).mkdir(parents=True, exist_ok=True)
    (out / "content" / "_index.md").write_text(
        "---\ntitle: %s\n---\nTin tức, hướng dẫn và hỏi – đáp cho người dân.\n" % q("Trang chủ"),
        encoding="utf-8")
    (out / "content" / SECTION / "_index.md").write_text(
        "---\ntitle: %s\nkind: article\npaginate_by: 10\n---\n" % q("Bài viết"), encoding="utf-8")


def generate(n, out, flavor, seed=DEFAULT_SEED, theme_from=None, force=False):
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not force:
            sys.exit("gen_corpus.py: %s is not empty (use --force to replace it)" % out)
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    if flavor == "loa":
        write_loa_site(out, theme_from)
    elif flavor in ("hugo", "zola"):
        shutil.copytree(PEERS / flavor, out, dirs_exist_ok=True)
    folder = out / "content" / SECTION
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(1, n + 1):
        a = article(seed, i)
        words += len(a["body"].split())
        with open(folder / article_name(i), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(front_matter(a, flavor) + a["body"])
    return words


# ---------------------------------------------------------------------------------------------
# Self test
# ---------------------------------------------------------------------------------------------

def self_test():
    def check(cond, what):
        if not cond:
            sys.exit("self-test FAILED: " + what)
        print("ok  " + what)

    seed = DEFAULT_SEED
    first = [article(seed, i) for i in range(1, 1001)]
    check(first[:50] == [article(seed, i) for i in range(1, 51)], "an article depends only on (seed, i)")
    check(article("other", 1) != first[0], "the seed changes the articles")
    texts = [t for a in first for t in [a["title"], a["summary"], a["body"]] + a["tags"]]
    check(all(unicodedata.is_normalized("NFC", t) for t in texts), "all text is NFC")
    words = [len(a["body"].split()) for a in first]
    mean = sum(words) / len(words)
    check(650 <= mean <= 750 and min(words) >= 520, "bodies: ~700 words (mean %.0f, min %d, max %d)"
          % (mean, min(words), max(words)))
    tables = sum("|---|" in a["body"] for a in first) / len(first)
    code = sum("```" in a["body"] for a in first) / len(first)
    check(0.25 <= tables <= 0.35, "a table in ~30%% of articles (%.1f%%)" % (tables * 100))
    check(0.07 <= code <= 0.13, "a code block in ~10%% of articles (%.1f%%)" % (code * 100))
    check(all(a["body"].count("\n## ") >= 3 and "\n- " in a["body"] and "\n1. " in a["body"]
              for a in first), "headings and both kinds of list in every article")
    titles = len({a["title"] for a in first})
    check(titles > 950, "titles mostly distinct (%d of 1000)" % titles)
    every_tag = [t for fld in FIELDS.values() for t in fld["tags"]] + COMMON_TAGS
    folded = {unicodedata.normalize("NFKD", t.replace("Đ", "D").replace("đ", "d"))
              .encode("ascii", "ignore").decode().lower() for t in every_tag}
    check(len(folded) == len(every_tag) == len(set(every_tag)),
          "%d tags, distinct even without diacritics (slugs cannot collide)" % len(every_tag))
    check(all(a["date"].year <= 2026 for a in first), "dates from 2019 to 2026")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for flavor in FLAVORS:
            generate(20, tmp / ("s-" + flavor), flavor)
            generate(45, tmp / ("l-" + flavor), flavor)
            small = tmp / ("s-" + flavor) / "content" / SECTION
            large = tmp / ("l-" + flavor) / "content" / SECTION
            names = sorted(p.name for p in small.glob("bai-viet-*.md"))
            check(len(names) == 20 and all((small / x).read_bytes() == (large / x).read_bytes()
                                           for x in names),
                  "%s: the 20-article corpus is a prefix of the 45-article one" % flavor)
        bodies = {}
        for flavor in FLAVORS:
            p = tmp / ("l-" + flavor) / "content" / SECTION / article_name(7)
            text = p.read_text(encoding="utf-8")
            fence = "+++" if flavor == "zola" else "---"
            fm, body = text[len(fence) + 1:].split("\n%s\n\n" % fence, 1)
            a = article(seed, 7)
            check(q(a["title"]) in fm and a["date"].isoformat() in fm and q(a["summary"]) in fm
                  and all(q(t) in fm for t in a["tags"]) and all(x in fm for x in a["audiences"]),
                  "%s: front matter carries the title, date, summary, tags and audiences" % flavor)
            bodies[flavor] = body
        check(len(set(bodies.values())) == 1, "every flavor has the same body")
        loa = tmp / "l-loa"
        check(all((loa / p).is_file() for p in ("loa.yaml", "content/_index.md",
                                                 "content/articles/_index.md")),
              "loa: loa.yaml and the two section files")
        cfg = (loa / "loa.yaml").read_text(encoding="utf-8")
        check(all("  %s:" % k in cfg for k in AUDIENCES), "loa: every audience declared")
        check((tmp / "l-hugo" / "hugo.toml").is_file() and (tmp / "l-zola" / "config.toml").is_file(),
              "hugo and zola: their config copied in")
    print("self-test passed")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int)
    ap.add_argument("--out")
    ap.add_argument("--flavor", choices=FLAVORS, default="loa")
    ap.add_argument("--theme-from", metavar="THEME_DIR",
                    help="loa flavor: copy this theme folder into DIR/themes/ and use it")
    ap.add_argument("--seed", default=DEFAULT_SEED, help="default %(default)s")
    ap.add_argument("--force", action="store_true", help="replace DIR if it is not empty")
    ap.add_argument("--self-test", action="store_true", help="check determinism and prefixes")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.articles is None or args.out is None or args.articles < 0:
        ap.error("--articles N (N >= 0) and --out DIR are required")
    if args.articles >= 10 ** NAME_DIGITS:
        ap.error("at most %d articles" % (10 ** NAME_DIGITS - 1))
    if args.theme_from and args.flavor != "loa":
        ap.error("--theme-from is for the loa flavor")
    words = generate(args.articles, args.out, args.flavor, args.seed, args.theme_from, args.force)
    print("gen_corpus.py: %d articles (%s flavor, %d body words) in %s"
          % (args.articles, args.flavor, words, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()

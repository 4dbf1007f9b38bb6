//! `loa new`: scaffolding for editors.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use loa::config::Overrides;
use loa::content::Kind;

use super::{EXIT_SITE, EXIT_USAGE, load_config, site_root};

/// Flags of `loa new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Thư mục chuyên mục trong content/ (ví dụ `bai-viet`); `site` để tạo cả một trang mới;
    /// `theme` để chép giao diện mặc định vào themes/ (để sửa cả giao diện).
    #[arg(value_name = "CHUYÊN_MỤC")]
    what: String,
    /// Tiêu đề của bài mới; với `site`: thư mục của trang mới; với `theme`: tên giao diện
    /// (mặc định `loa`: bản chép thay giao diện có sẵn).
    #[arg(value_name = "TIÊU_ĐỀ")]
    title: Option<String>,
    /// Thư mục của trang (nơi có loa.yaml); mặc định: thư mục hiện tại.
    #[arg(long, value_name = "THƯ_MỤC")]
    root: Option<PathBuf>,
    /// Loại của chuyên mục mới (khi thư mục chưa có): article, campaign, document, explainer
    /// hoặc page; mặc định: đoán theo tên thư mục (`chien-dich` chiến dịch, `van-ban` văn
    /// bản, `hoi-dap` và `giai-thich` giải thích, `bai-viet` và `tin-tuc` bài viết), nếu không
    /// thì `page`.
    #[arg(long, value_name = "LOẠI", value_enum)]
    kind: Option<KindArg>,
}

/// The kinds `--kind` takes.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Article,
    Campaign,
    Document,
    Explainer,
    Page,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Article => Kind::Article,
            KindArg::Campaign => Kind::Campaign,
            KindArg::Document => Kind::Document,
            KindArg::Explainer => Kind::Explainer,
            KindArg::Page => Kind::Page,
        }
    }
}

impl NewArgs {
    /// Writes the new page or site; prints its path.
    pub fn run(&self) -> u8 {
        let today = loa::build::now();
        if self.what != "theme" && self.title.is_none() {
            let example = if self.what == "site" {
                "loa new site ten-thu-muc"
            } else {
                "loa new bai-viet \"Tiêu đề bài\""
            };
            tell!(
                "lỗi: thiếu {}\n  gợi ý: ví dụ `{example}`\n\nXem thêm: loa new --help",
                if self.what == "site" {
                    "thư mục của trang mới"
                } else {
                    "tiêu đề của bài mới"
                }
            );
            return EXIT_USAGE;
        }
        let title = self.title.clone().unwrap_or_default();
        if self.what == "theme" {
            return self.new_theme();
        }
        if self.what == "site" {
            if self.kind.is_some() {
                tell!(
                    "--kind chỉ dùng khi tạo trang trong một chuyên mục mới, không dùng với `loa new site`."
                );
                return EXIT_USAGE;
            }
            let dir = site_root(Some(&PathBuf::from(&title)));
            return match loa::scaffold::new_site(&dir, today) {
                Ok(_) => {
                    say!("Đã tạo trang mới trong {title}. Dựng thử: loa build --root {title}");
                    0
                }
                Err(d) => {
                    tell!("{d}");
                    EXIT_SITE
                }
            };
        }
        let root = site_root(self.root.as_deref());
        let config = match load_config(&root, &Overrides::default()) {
            Ok(c) => c,
            Err(code) => return code,
        };
        match loa::scaffold::new_page(&config, &self.what, &title, self.kind.map(Kind::from), today) {
            Ok(made) => {
                // stdout holds only the page's path (for `$EDITOR "$(loa new …)"`); what else
                // was done goes to stderr.
                if let Some(s) = &made.section {
                    tell!(
                        "Đã tạo chuyên mục mới: {} (kind: {}, {}).",
                        s.index,
                        s.kind.as_str(),
                        loa::scaffold::kind_label(s.kind)
                    );
                    if s.guessed {
                        tell!(
                            "  {} Muốn loại khác thì sửa `kind:` trong tệp đó trước khi viết, hoặc bỏ thư mục đó rồi chạy lại với --kind.",
                            if loa::scaffold::known_section(&self.what).is_some() {
                                "Loại được đoán theo tên thư mục."
                            } else {
                                "Tên thư mục không cho biết loại nên dùng page (trang thường)."
                            }
                        );
                    }
                }
                tell!(
                    "Trang mới là bản nháp (draft: true): xem thử bằng `loa serve --drafts`; viết xong thì bỏ dòng `draft: true` để đăng."
                );
                say!("{}", made.page);
                0
            }
            Err(d) => {
                tell!("{d}");
                EXIT_SITE
            }
        }
    }

    /// `loa new theme [NAME]`: a copy of the default theme in themes/NAME/.
    fn new_theme(&self) -> u8 {
        if self.kind.is_some() {
            tell!("--kind chỉ dùng khi tạo trang trong một chuyên mục mới, không dùng với `loa new theme`.");
            return EXIT_USAGE;
        }
        let root = site_root(self.root.as_deref());
        if !root.join(loa::config::CONFIG_FILE).is_file() {
            tell!(
                "lỗi: không thấy loa.yaml trong {}\n  gợi ý: chạy lệnh trong thư mục của trang (nơi có loa.yaml) hoặc dùng --root",
                root.display()
            );
            return EXIT_SITE;
        }
        let name = self.title.as_deref().unwrap_or(loa::theme::BUILTIN);
        match loa::scaffold::new_theme(&root, name) {
            Ok(files) => {
                say!("Đã chép giao diện mặc định ({} tệp) vào themes/{name}/.", files.len());
                if name == loa::theme::BUILTIN {
                    tell!(
                        "Trang dùng bản chép này thay giao diện có sẵn trong loa; bản chép không tự cập nhật khi nâng cấp loa (bỏ thư mục themes/loa/ để dùng lại giao diện có sẵn)."
                    );
                } else {
                    tell!("Để dùng giao diện này, sửa loa.yaml thành `theme: {name}`.");
                }
                0
            }
            Err(d) => {
                tell!("{d}");
                EXIT_SITE
            }
        }
    }
}

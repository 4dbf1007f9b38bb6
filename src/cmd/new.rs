//! `loa new`: scaffolding for editors.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use loa::config::Overrides;
use loa::content::Kind;

use super::{EXIT_SITE, EXIT_USAGE, load_config, site_root};

/// Flags of `loa new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Thư mục chuyên mục trong content/ (ví dụ `bai-viet`), hoặc `site` để tạo cả một trang mới.
    #[arg(value_name = "CHUYÊN_MỤC")]
    what: String,
    /// Tiêu đề của bài mới, hoặc thư mục của trang mới.
    #[arg(value_name = "TIÊU_ĐỀ")]
    title: String,
    /// Thư mục của trang (nơi có loa.yaml); mặc định: thư mục hiện tại.
    #[arg(long, value_name = "THƯ_MỤC")]
    root: Option<PathBuf>,
    /// The kind of a new section (when its folder does not exist yet); default: guessed from
    /// its name (`chien-dich` campaign, `van-ban` document, `hoi-dap` and `giai-thich`
    /// explainer, `bai-viet` and `tin-tuc` article), else `page`.
    #[arg(long, value_enum)]
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
        if self.what == "site" {
            if self.kind.is_some() {
                tell!(
                    "--kind chỉ dùng khi tạo trang trong một chuyên mục mới, không dùng với `loa new site`."
                );
                return EXIT_USAGE;
            }
            let dir = site_root(Some(&PathBuf::from(&self.title)));
            return match loa::scaffold::new_site(&dir, today) {
                Ok(_) => {
                    say!("Đã tạo trang mới trong {}. Dựng thử: loa build --root {}", self.title, self.title);
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
        match loa::scaffold::new_page(&config, &self.what, &self.title, self.kind.map(Kind::from), today) {
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
}

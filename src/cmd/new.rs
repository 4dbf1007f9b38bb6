//! `loa new`: scaffolding for editors.

use std::path::PathBuf;

use clap::Args;
use loa::config::Overrides;

use super::{EXIT_SITE, load_config, site_root};

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
}

impl NewArgs {
    /// Writes the new page or site; prints its path.
    pub fn run(&self) -> u8 {
        let today = loa::build::now();
        if self.what == "site" {
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
        match loa::scaffold::new_page(&config, &self.what, &self.title, today) {
            Ok(rel) => {
                say!("{rel}");
                0
            }
            Err(d) => {
                tell!("{d}");
                EXIT_SITE
            }
        }
    }
}

//! `loa new`: scaffolding for editors.

use std::path::PathBuf;

use clap::Args;
use loa::config::Overrides;

use super::{EXIT_SITE, load_config, site_root};

/// Flags of `loa new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// A section folder under content/ (e.g. `bai-viet`), or `site` to create a whole new site.
    what: String,
    /// The title of the new page, or the folder of the new site.
    title: String,
    /// Site folder (holding loa.yaml); default: the current folder.
    #[arg(long, value_name = "DIR")]
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

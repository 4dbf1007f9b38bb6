//! The git record of approvals (issue 27): for a site in a git repository, which commit added
//! each page's approval, and who made it. An editorial record, not a security control: anyone
//! who can commit can write any name in `approval.by`; this only shows where a name and the
//! commit's author differ.
//!
//! Takes the site root and the pages' approvals; runs the `git` binary (`git log -S`, one call
//! per approved page) and gives each approval's commit with a warning where its author is not
//! the approver. Gives nothing when the site is not in a git repository or `git` is missing.

use std::path::Path;
use std::process::Command;

use crate::content::approval::ApprovalRecord;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The commit that added an approval.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Commit {
    /// Its full hash.
    pub hash: String,
    /// Its author's name.
    pub author: String,
    /// Its author's e-mail.
    pub email: String,
    /// When it was made (ISO 8601, as git writes it).
    pub date: String,
}

/// For each approval (in the order given): the commit that added its digest to its file, or
/// `None` when no commit did (not yet committed, or no digest); with warnings for the
/// approvals whose commit's author is not the approver. `None` when `root` is not in a git
/// repository or `git` cannot be run.
pub fn commits(root: &Path, approvals: &[ApprovalRecord]) -> Option<(Vec<Option<Commit>>, Diagnostics)> {
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"])?;
    if inside.trim() != "true" {
        return None;
    }
    let mut diags = Diagnostics::new();
    let mut found = Vec::with_capacity(approvals.len());
    for rec in approvals {
        let commit = rec.digest.as_deref().filter(|d| !d.is_empty()).and_then(|digest| {
            let pick = format!("-S{digest}");
            let out =
                git(root, &["log", "-n", "1", "--format=%H%x1f%an%x1f%ae%x1f%cI", &pick, "--", &rec.file])?;
            let mut parts = out.trim_end_matches('\n').split('\u{1f}');
            let hash = parts.next().filter(|h| !h.is_empty())?.to_string();
            Some(Commit {
                hash,
                author: parts.next().unwrap_or_default().to_string(),
                email: parts.next().unwrap_or_default().to_string(),
                date: parts.next().unwrap_or_default().to_string(),
            })
        });
        if let (Some(c), Some(by)) = (&commit, &rec.by)
            && !same_name(&c.author, by)
        {
            diags.push(
                    Diagnostic::warning(
                        "approval-git",
                        Location::at(&rec.file, rec.line, usize::from(rec.line > 0)),
                        format!(
                            "phần duyệt ghi người duyệt là {by}, nhưng commit {} đưa nó vào là của {}",
                            &c.hash[..c.hash.len().min(10)],
                            c.author
                        ),
                    )
                    .with_hint(
                        "người duyệt tự chạy `loa approve` và commit; đây là hồ sơ biên tập, không phải cơ chế bảo mật",
                    ),
                );
        }
        found.push(commit);
    }
    Some((found, diags))
}

/// Two names are the same person's when they match ignoring case, spaces and Unicode form.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| crate::vi::nfc(s).split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    norm(a) == norm(b)
}

/// `git -C root ARGS`'s standard output, or `None` when it cannot run or fails.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out =
        Command::new("git").arg("-C").arg(root).args(args).env("GIT_TERMINAL_PROMPT", "0").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

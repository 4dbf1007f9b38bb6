//! The `loa` command line: flags → options → library call → exit code.
//!
//! Exit codes: 0 success; 1 errors in the site (content, config, templates); 2 usage or
//! environment errors (bad flag, unsafe output folder).

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: a build allocates and frees millions of small strings and template values from
/// two threads; glibc malloc was about a sixth of a 10,000-article build's CPU time.
#[global_allocator]
static ALLOCATOR: loa::allocator::Mimalloc = loa::allocator::Mimalloc;

// The doc comments of the commands and flags (here and in `cmd/*.rs`) are the help texts the
// person at the terminal reads: they are in Vietnamese, and `cmd::usage` says in Vietnamese
// what clap adds around them (headings, the help flag, usage errors).
/// loa: dựng trang tin tuyên truyền tiếng Việt từ Markdown.
#[derive(Debug, Parser)]
#[command(name = "loa", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Duyệt bài: ghi người duyệt, thời điểm và mã nội dung vào từng trang (loa approve content/ --by "Họ tên")
    Approve(cmd::approve::ApproveArgs),
    /// Dựng trang vào thư mục xuất (mặc định public/)
    Build(cmd::build::BuildArgs),
    /// Kiểm tra như khi dựng mà không ghi gì; in mọi lỗi và cảnh báo
    Check(cmd::check::CheckArgs),
    /// Tạo bài mới (loa new bai-viet "Tiêu đề"), cả một trang mới (loa new site THƯ_MỤC) hoặc bản chép giao diện (loa new theme)
    New(cmd::new::NewArgs),
    /// Xem trước: dựng trong bộ nhớ, mở qua trình duyệt, dựng và tải lại sau mỗi lần lưu tệp
    Serve(cmd::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = match cmd::usage::parse::<Cli>() {
        Ok(cli) => cli,
        Err(code) => return ExitCode::from(code),
    };
    let code = match cli.command {
        Command::Build(args) => {
            loa::allocator::no_huge_pages();
            loa::allocator::return_freed_memory_soon();
            loa::dispose::process_ends_with_build();
            args.run()
        }
        Command::Check(args) => {
            loa::allocator::no_huge_pages();
            loa::allocator::return_freed_memory_soon();
            loa::dispose::process_ends_with_build();
            args.run()
        }
        Command::Approve(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Serve(args) => {
            loa::allocator::keep_freed_memory();
            args.run()
        }
    };
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap checks a command's consistency only when it is used; this checks every command,
    /// with the Vietnamese texts, at once.
    #[test]
    fn the_localized_command_line_is_consistent() {
        crate::cmd::usage::localize(Cli::command()).debug_assert();
    }
}

//! The command line in Vietnamese: clap → flags, with clap's English replaced.
//!
//! The help of each command and flag is its doc comment (`main.rs`, `cmd/*.rs`), written in
//! Vietnamese. What clap adds around those texts is English, so `localize` replaces it: the
//! headings (`Usage:`, `Options:`, `Arguments:`, `Commands:`), the `-h/--help` and
//! `-V/--version` flags and the `help` command with their descriptions, `[OPTIONS]` in the
//! usage line, `[default: …]` and `[possible values: …]` (each flag's text says its default).
//! Usage errors are rendered here from their kind and context (`report`), never with clap's
//! own English formatter. Exit codes as clap's: 0 for help and version, 2 for a usage error.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

use super::EXIT_USAGE;

/// The heading of flags in help texts.
const OPTIONS: &str = "Tùy chọn";
/// The heading of positional arguments.
const ARGUMENTS: &str = "Đối số";
/// The placeholder for flags in a usage line (clap's `[OPTIONS]`).
const OPTIONS_TAG: &str = "[TÙY_CHỌN]";
/// The place of `--help` and `--version`: after the command's own flags.
const LAST: usize = 1000;
/// clap's default template, with the usage heading in Vietnamese.
const TEMPLATE: &str = "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// Parses the process's arguments into `T`, or prints help, the version or a usage error in
/// Vietnamese and returns the exit code.
pub fn parse<T: clap::Parser>() -> Result<T, u8> {
    parse_from(std::env::args_os().collect())
}

/// `parse` with the given arguments (the first is the program's name).
pub fn parse_from<T: clap::Parser>(args: Vec<OsString>) -> Result<T, u8> {
    let mut cmd = localize(T::command());
    let matches = cmd.try_get_matches_from_mut(&args).map_err(|e| report(&e, &cmd, &args))?;
    // `loa help [COMMAND]` is `loa [COMMAND] --help`.
    if let Some(("help", sub)) = matches.subcommand() {
        let mut again = vec![OsString::from("loa")];
        again.extend(sub.get_one::<String>("command").map(OsString::from));
        again.push("--help".into());
        return parse_from(again);
    }
    T::from_arg_matches(&matches).map_err(|e| report(&e, &cmd, &args))
}

/// The command with clap's English texts replaced (see the module's comment).
pub fn localize(cmd: Command) -> Command {
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    let help = Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .help("In trợ giúp")
        .help_heading(OPTIONS)
        .display_order(LAST)
        .global(true);
    let version = Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        .help("In số phiên bản")
        .help_heading(OPTIONS)
        .display_order(LAST);
    let help_command = Command::new("help")
        .about("In trợ giúp của loa hoặc của một lệnh (loa help build)")
        .arg(Arg::new("command").value_name("LỆNH").help("Lệnh cần xem trợ giúp"));
    let mut cmd = texts(cmd)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(help)
        .arg(version)
        .subcommand(texts(help_command))
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .override_usage("loa <LỆNH> [TÙY_CHỌN]")
        .after_help("Trợ giúp của từng lệnh: loa <LỆNH> --help");
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| {
            let usage = usage_line(&sub);
            texts(sub).override_usage(usage)
        });
    }
    let usage = cmd.find_subcommand("help").map(usage_line).unwrap_or_default();
    cmd.mut_subcommand("help", |sub| sub.override_usage(usage))
}

/// The template and the headings of one command's help.
fn texts(cmd: Command) -> Command {
    let mut positional = 0;
    cmd.help_template(TEMPLATE).mut_args(|a| {
        let a = if a.is_positional() {
            // Under a heading of their own, arguments would be sorted by name.
            positional += 1;
            a.help_heading(ARGUMENTS).display_order(positional)
        } else {
            a.help_heading(OPTIONS)
        };
        if a.get_action().takes_values() { a.hide_default_value(true).hide_possible_values(true) } else { a }
    })
}

/// `loa build [TÙY_CHỌN]`, `loa new [TÙY_CHỌN] <CHUYÊN_MỤC> <TIÊU_ĐỀ>`.
fn usage_line(cmd: &Command) -> String {
    let mut line = format!("loa {}", cmd.get_name());
    if cmd.get_arguments().any(|a| !a.is_positional()) {
        line = format!("{line} {OPTIONS_TAG}");
    }
    for a in cmd.get_positionals() {
        let name = a
            .get_value_names()
            .and_then(|v| v.first())
            .map_or_else(|| a.get_id().to_string(), ToString::to_string);
        if a.is_required_set() {
            line = format!("{line} <{name}>");
        } else {
            line = format!("{line} [{name}]");
        }
    }
    line
}

/// Prints a clap error in Vietnamese (help and version as they are: their text is already
/// Vietnamese) and returns the exit code.
pub fn report(err: &clap::Error, cmd: &Command, args: &[OsString]) -> u8 {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            0
        }
        // `loa` alone: the help, on stderr, as a usage error.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            EXIT_USAGE
        }
        _ => {
            tell!("{}", message(err, cmd, &command_path(cmd, args)));
            EXIT_USAGE
        }
    }
}

/// `loa build` when the arguments name the `build` command, else `loa`.
fn command_path(cmd: &Command, args: &[OsString]) -> String {
    let named = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .find(|a| *a != "help" && cmd.find_subcommand(a).is_some());
    named.map_or_else(|| "loa".to_string(), |name| format!("loa {name}"))
}

/// A context value as text: lists joined with `, `.
fn text(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The Vietnamese text of a usage error: what is wrong, the valid values or a did-you-mean,
/// the usage line and where to read more.
fn message(err: &clap::Error, cmd: &Command, path: &str) -> String {
    let arg = text(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = text(err, ContextKind::InvalidValue).unwrap_or_default();
    let mut lines = Vec::new();
    match err.kind() {
        ErrorKind::InvalidValue if value.is_empty() => lines.push(format!("lỗi: thiếu giá trị cho {arg}")),
        ErrorKind::InvalidValue => {
            lines.push(format!("lỗi: giá trị `{value}` không hợp lệ cho {arg}"));
            if let Some(valid) = text(err, ContextKind::ValidValue).filter(|v| !v.is_empty()) {
                lines.push(format!("  các giá trị hợp lệ: {valid}"));
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(err).map(|s| format!(": {s}")).unwrap_or_default();
            lines.push(format!("lỗi: giá trị `{value}` không hợp lệ cho {arg}{why}"));
        }
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            lines.push(format!("lỗi: lệnh {path} không có tùy chọn `{arg}`"));
        }
        ErrorKind::UnknownArgument => lines.push(format!("lỗi: lệnh {path} không nhận thêm đối số `{arg}`")),
        ErrorKind::InvalidSubcommand => {
            let sub = text(err, ContextKind::InvalidSubcommand).unwrap_or_default();
            lines.push(format!("lỗi: không có lệnh `{sub}`"));
            lines.push(format!("  các lệnh: {}", command_names(cmd)));
        }
        ErrorKind::MissingSubcommand => {
            lines.push("lỗi: thiếu tên lệnh".to_string());
            lines.push(format!("  các lệnh: {}", command_names(cmd)));
        }
        ErrorKind::MissingRequiredArgument => lines.push(format!("lỗi: thiếu đối số {arg}")),
        ErrorKind::ArgumentConflict => match text(err, ContextKind::PriorArg) {
            Some(prior) if prior != arg => lines.push(format!("lỗi: không dùng được {arg} cùng với {prior}")),
            _ => lines.push(format!("lỗi: {arg} chỉ được dùng một lần")),
        },
        ErrorKind::TooManyValues => lines.push(format!("lỗi: thừa giá trị `{value}` cho {arg}")),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let wanted = text(err, ContextKind::ExpectedNumValues)
                .or_else(|| text(err, ContextKind::MinValues))
                .unwrap_or_default();
            let got = text(err, ContextKind::ActualNumValues).unwrap_or_default();
            lines.push(format!("lỗi: {arg} cần {wanted} giá trị nhưng chỉ có {got}"));
        }
        ErrorKind::NoEquals => lines.push(format!("lỗi: cần dấu = khi gán giá trị cho {arg}")),
        ErrorKind::InvalidUtf8 => lines.push("lỗi: một đối số không phải văn bản UTF-8 hợp lệ".to_string()),
        _ => lines.push("lỗi: không hiểu các đối số của lệnh".to_string()),
    }
    let suggested =
        [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg, ContextKind::SuggestedValue]
            .into_iter()
            .find_map(|k| text(err, k));
    if let Some(s) = suggested {
        lines.push(format!("  gợi ý: có phải ý bạn là `{s}`?"));
    }
    lines.push(String::new());
    if let Some(usage) = text(err, ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim_start();
        lines.push(format!("Cách dùng: {usage}"));
    }
    lines.push(format!("Xem thêm: {path} --help"));
    lines.join("\n")
}

/// The commands people type, for a list in an error.
fn command_names(cmd: &Command) -> String {
    let names: Vec<&str> = cmd.get_subcommands().map(Command::get_name).filter(|n| *n != "help").collect();
    names.join(", ")
}

//! What the system said, in Vietnamese: an `std::io::Error` (`No such file or directory (os
//! error 2)`, `Permission denied`, a full disk…) turned into words an editor reads.
//!
//! Takes an `io::Error`, an `anyhow` chain (the library's Vietnamese context, `ghi public/…`,
//! around an `io::Error`) or a line of text in which the library already wrote an error's
//! English (`không đọc được loa.yaml: No such file or directory (os error 2)`); gives the same
//! with the system's words in Vietnamese. The English is kept, in parentheses, only when it
//! says something the Vietnamese does not: an error loa has no words for, or a message that is
//! not the system's standard one for its kind.

use std::borrow::Cow;
use std::io::{self, ErrorKind};

/// Vietnamese words for the kinds of system errors a build, a check or the preview meets.
fn kind_words(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::NotFound => "không có tệp hoặc thư mục này",
        ErrorKind::PermissionDenied => "không có quyền truy cập",
        ErrorKind::AlreadyExists => "tệp hoặc thư mục đã có sẵn",
        ErrorKind::StorageFull => "ổ đĩa đã hết chỗ trống",
        ErrorKind::QuotaExceeded => "đã dùng hết hạn mức dung lượng trên ổ đĩa",
        ErrorKind::ReadOnlyFilesystem => "ổ đĩa chỉ cho phép đọc, không ghi được",
        ErrorKind::NotADirectory => "một phần của đường dẫn là tệp, không phải thư mục",
        ErrorKind::IsADirectory => "đây là thư mục, không phải tệp",
        ErrorKind::DirectoryNotEmpty => "thư mục không trống",
        ErrorKind::CrossesDevices => "không chuyển được sang một ổ đĩa khác",
        ErrorKind::ResourceBusy => "tệp hoặc thư mục đang được dùng",
        ErrorKind::ExecutableFileBusy => "tệp đang được chạy",
        ErrorKind::FileTooLarge => "tệp quá lớn",
        ErrorKind::InvalidFilename => "tên tệp hoặc đường dẫn quá dài hoặc không hợp lệ",
        ErrorKind::TooManyLinks => "quá nhiều liên kết tới tệp này",
        ErrorKind::StaleNetworkFileHandle => "tệp trên ổ mạng không còn truy cập được",
        ErrorKind::Interrupted => "bị ngắt giữa chừng",
        ErrorKind::UnexpectedEof => "tệp kết thúc bất ngờ",
        ErrorKind::OutOfMemory => "hết bộ nhớ",
        ErrorKind::Unsupported => "hệ thống không hỗ trợ thao tác này",
        ErrorKind::TimedOut => "hết thời gian chờ",
        ErrorKind::WouldBlock => "thao tác phải chờ",
        ErrorKind::BrokenPipe => "bên nhận đã đóng kết nối",
        ErrorKind::ConnectionRefused => "máy kia từ chối kết nối",
        ErrorKind::ConnectionReset => "kết nối bị ngắt",
        ErrorKind::ConnectionAborted => "kết nối bị hủy",
        ErrorKind::NotConnected => "chưa kết nối",
        ErrorKind::AddrInUse => "địa chỉ hoặc cổng đang được dùng",
        ErrorKind::AddrNotAvailable => "địa chỉ không thuộc máy này",
        ErrorKind::NetworkDown => "mạng không hoạt động",
        ErrorKind::NetworkUnreachable => "không tới được mạng đó",
        ErrorKind::HostUnreachable => "không tới được máy đó",
        _ => return None,
    })
}

/// Words for errors whose kind Rust does not name but whose number loa knows.
fn raw_words(code: i32) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use loa::sys::errno::{EMFILE, ENFILE};
        if code == EMFILE || code == ENFILE {
            return Some("quá nhiều tệp đang mở");
        }
    }
    let _ = code;
    None
}

/// One system error in Vietnamese.
pub fn io_error(e: &io::Error) -> String {
    let words = e.raw_os_error().and_then(raw_words).or_else(|| kind_words(e.kind()));
    match (words, e.get_ref()) {
        // A message of the code that made the error (`io::Error::new`): Vietnamese from the
        // library is said as it is; English says more than the kind does, so it stays.
        (_, Some(inner)) if !inner.to_string().is_ascii() => inner.to_string(),
        (Some(words), Some(inner)) => format!("{words} ({inner})"),
        // The system's message for a number, or a bare kind: the words say the same.
        (Some(words), None) => words.to_string(),
        (None, _) => format!("lỗi hệ thống ({e})"),
    }
}

/// An error chain in Vietnamese, as `{:#}` prints it (`ghi public/a.html: ổ đĩa đã hết chỗ
/// trống`): contexts joined by `: `, each system error in words.
pub fn chain(e: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in e.chain() {
        match cause.downcast_ref::<io::Error>() {
            Some(io) => {
                parts.push(io_error(io));
                // An io::Error's own source is what it already said.
                break;
            }
            None => parts.push(in_text(&cause.to_string()).into_owned()),
        }
    }
    parts.join(": ")
}

/// A line of text with each system error the library wrote into it (`No such file or
/// directory (os error 2)`: the system's message for the number, then the number) said in
/// Vietnamese; the rest untouched.
pub fn in_text(text: &str) -> Cow<'_, str> {
    const MARK: &str = " (os error ";
    if !text.contains(MARK) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let after = &rest[at + MARK.len()..];
        let digits = after.bytes().take_while(|b| b.is_ascii_digit() || *b == b'-').count();
        let code = after[..digits].parse::<i32>().ok().filter(|_| after[digits..].starts_with(')'));
        let Some(code) = code else {
            out.push_str(&rest[..at + MARK.len()]);
            rest = &rest[at + MARK.len()..];
            continue;
        };
        let end = at + MARK.len() + digits + 1;
        // The system's own message for this number, as `io::Error`'s Display wrote it.
        let e = io::Error::from_raw_os_error(code);
        let english = e.to_string();
        let replaced = english
            .strip_suffix(&format!("{MARK}{code})"))
            .and_then(|message| rest[..at].strip_suffix(message))
            .zip(raw_words(code).or_else(|| kind_words(e.kind())))
            .map(|(before, words)| (before.len(), words));
        match replaced {
            Some((start, words)) => {
                out.push_str(&rest[..start]);
                out.push_str(words);
            }
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use std::io::{self, ErrorKind};

    use super::{chain, in_text, io_error};

    /// The system's English for a number, as `io::Error` prints it on this platform.
    fn english(kind: ErrorKind) -> io::Error {
        let code = (1..200).find(|&c| io::Error::from_raw_os_error(c).kind() == kind).expect("a number");
        io::Error::from_raw_os_error(code)
    }

    #[test]
    fn system_errors_are_said_in_vietnamese_without_the_english() {
        for (kind, words) in [
            (ErrorKind::NotFound, "không có tệp hoặc thư mục này"),
            (ErrorKind::PermissionDenied, "không có quyền truy cập"),
            (ErrorKind::AlreadyExists, "tệp hoặc thư mục đã có sẵn"),
            (ErrorKind::StorageFull, "ổ đĩa đã hết chỗ trống"),
            (ErrorKind::ReadOnlyFilesystem, "ổ đĩa chỉ cho phép đọc, không ghi được"),
        ] {
            let e = english(kind);
            assert_eq!(io_error(&e), words, "{e}");
            // The same error written into a library message.
            let line = format!("lỗi: ghi public/a.html: {e}");
            assert_eq!(in_text(&line), format!("lỗi: ghi public/a.html: {words}"));
        }
        assert_eq!(io_error(&io::Error::from(ErrorKind::NotFound)), "không có tệp hoặc thư mục này");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn out_of_space_is_number_28_on_linux() {
        let e = io::Error::from_raw_os_error(28);
        assert_eq!(io_error(&e), "ổ đĩa đã hết chỗ trống");
        assert_eq!(
            in_text("ghi public/x: No space left on device (os error 28); thư mục giữ nguyên"),
            "ghi public/x: ổ đĩa đã hết chỗ trống; thư mục giữ nguyên"
        );
        assert_eq!(io_error(&io::Error::from_raw_os_error(24)), "quá nhiều tệp đang mở");
    }

    #[test]
    fn the_english_stays_when_it_says_more() {
        // A message of its own: kept after the words.
        let e = io::Error::new(ErrorKind::InvalidData, "stream did not contain valid UTF-8");
        assert_eq!(io_error(&e), "lỗi hệ thống (stream did not contain valid UTF-8)");
        let e = io::Error::new(ErrorKind::NotFound, "theme folder gone");
        assert_eq!(io_error(&e), "không có tệp hoặc thư mục này (theme folder gone)");
        // Already Vietnamese: as it is.
        let e = io::Error::new(ErrorKind::Interrupted, "đã dừng theo yêu cầu");
        assert_eq!(io_error(&e), "đã dừng theo yêu cầu");
        // A text that only looks like an error, or a number without a kind loa has words for.
        assert_eq!(in_text("bài (os error 2) viết"), "bài (os error 2) viết");
        assert_eq!(in_text("x (os error 2"), "x (os error 2");
        assert_eq!(in_text("x (os error 2ạ) y (os error ạ"), "x (os error 2ạ) y (os error ạ");
        let odd = io::Error::from_raw_os_error(99_999).to_string();
        assert_eq!(in_text(&odd), odd);
        assert_eq!(in_text("không lỗi"), "không lỗi");
    }

    #[test]
    fn a_chain_keeps_its_contexts() {
        let e = anyhow::Error::new(english(ErrorKind::StorageFull)).context("ghi public/a.html");
        assert_eq!(chain(&e), "ghi public/a.html: ổ đĩa đã hết chỗ trống");
        let e = anyhow::anyhow!("ghi x: {}", english(ErrorKind::NotFound)).context("sao chép y");
        assert_eq!(chain(&e), "sao chép y: ghi x: không có tệp hoặc thư mục này");
    }
}

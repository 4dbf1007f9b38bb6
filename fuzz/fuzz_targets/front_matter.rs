//! Bytes of a content file → decode → split → parse: never panics; every error names the file
//! and a line inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = loa::parse::decode_text(data, "content/x.md") else { return };
    let lines = text.split('\n').count() + 1;
    for is_section in [false, true] {
        if let Err(diags) = loa::parse::parse_file(&text, "content/x.md", is_section) {
            for d in diags.iter() {
                let loc = d.location.as_ref().expect("located");
                assert_eq!(loc.file, "content/x.md");
                assert!(loc.line <= lines, "line {} of {lines}", loc.line);
            }
        }
    }
});

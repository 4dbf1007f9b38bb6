//! Helpers shared by unit tests (compiled for tests only).

/// `count` strings, each of `pieces_per_string` pieces drawn from `pieces` by a fixed
/// xorshift sequence started at `seed`: the same strings on every run, mixing the pieces in
/// every order a fast path could get wrong.
pub fn mixed_strings(pieces: &[&str], pieces_per_string: usize, count: usize, seed: u64) -> Vec<String> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            let mut s = String::new();
            for _ in 0..pieces_per_string {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            s
        })
        .collect()
}

/// The program `name` on `PATH`, if there is one (for unit tests that use it where installed).
pub fn on_path(name: &str) -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

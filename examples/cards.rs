//! Share cards drawn one after another on one thread, timed, to measure a change to the card's
//! drawing or its PNG encoding (BENCHMARKS.md, "Share cards, one thread"):
//!
//!     cargo run --release --example cards -- CONTENT_DIR [CARDS] [ROUNDS]
//!
//! Takes the `title:` of the Markdown files directly in CONTENT_DIR (the generator's
//! `content/articles/`), at most CARDS (2,000) of them, and draws each title's card ROUNDS (3)
//! times over. Prints each round's time per card, the median, the cards' mean size, and a
//! checksum of every card's bytes: two builds that print the same checksum made the same files.

use std::time::Instant;

use loa::media::card::{CardText, render};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: cards CONTENT_DIR [CARDS] [ROUNDS]");
        std::process::exit(2);
    };
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("{dir}: {e}");
            std::process::exit(1);
        }
    };
    paths.sort();
    let titles: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|text| {
            let line = text.lines().find(|l| l.starts_with("title:"))?;
            Some(line["title:".len()..].trim().trim_matches('"').to_string())
        })
        .take(count)
        .collect();
    if titles.is_empty() {
        eprintln!("{dir}: no Markdown file with a `title:` line");
        std::process::exit(1);
    }
    let texts: Vec<CardText> = titles
        .into_iter()
        .map(|title| CardText {
            title,
            site: "Khuyến học Việt Nam".into(),
            section: "Tin tức".into(),
            call_to_action: String::new(),
        })
        .collect();
    let mut per_card = Vec::with_capacity(rounds);
    let (mut bytes, mut sum) = (0usize, 0u64);
    for round in 0..rounds {
        let start = Instant::now();
        let (mut b, mut s) = (0usize, 0u64);
        for text in &texts {
            let png = render(text);
            b += png.len();
            s = png.iter().fold(s, |s, &x| s.wrapping_mul(31).wrapping_add(u64::from(x)));
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0 / texts.len() as f64;
        println!("round {}: {ms:.3} ms a card", round + 1);
        per_card.push(ms);
        (bytes, sum) = (b, s);
    }
    per_card.sort_by(f64::total_cmp);
    println!(
        "{} cards, median {:.3} ms a card, {} bytes a card, checksum {sum:016x}",
        texts.len(),
        per_card[per_card.len() / 2],
        bytes / texts.len()
    );
}

use std::io::Write;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let level: u32 = std::env::args().nth(2).unwrap().parse().unwrap();
    let reuse = std::env::args().nth(3).is_some();
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let texts: Vec<Vec<u8>> = names.iter().take(3000).map(|p| std::fs::read(p).unwrap()).collect();
    #[cfg(feature = "zrs")]
    let mut c = flate2::Compress::new_gzip(flate2::Compression::new(level), 15);
    for round in 0..5 {
        let t = std::time::Instant::now();
        let mut total = 0;
        let mut inb = 0;
        for x in &texts {
            let n = if reuse {
                #[cfg(feature = "zrs")]
                {
                    c.reset();
                    let mut out = Vec::with_capacity(x.len() / 2 + 64);
                    loop {
                        let before = c.total_in() as usize;
                        let st = c.compress_vec(&x[before.min(x.len())..], &mut out, flate2::FlushCompress::Finish).unwrap();
                        if st == flate2::Status::StreamEnd { break; }
                        out.reserve(out.capacity().max(64));
                    }
                    out.len()
                }
                #[cfg(not(feature = "zrs"))]
                { 0 }
            } else {
                let mut gz = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::new(level));
                gz.write_all(x).unwrap();
                gz.finish().unwrap().len()
            };
            total += n;
            inb += x.len();
        }
        println!("round {round}: {:.1} ms for {} docs, {} -> {} bytes ({:.3})", t.elapsed().as_secs_f64()*1000.0, texts.len(), inb, total, total as f64 / inb as f64);
    }
}

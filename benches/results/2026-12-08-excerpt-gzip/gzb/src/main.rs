use std::io::Write;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut texts = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap().take(3000) {
        texts.push(std::fs::read(e.unwrap().path()).unwrap());
    }
    for round in 0..5 {
        let t = std::time::Instant::now();
        let mut total = 0;
        let mut inb = 0;
        for x in &texts {
            let mut gz = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::new(std::env::args().nth(2).unwrap().parse().unwrap()));
            gz.write_all(x).unwrap();
            total += gz.finish().unwrap().len();
            inb += x.len();
        }
        println!("round {round}: {:.1} ms for {} docs, {} -> {} bytes ({:.3})", t.elapsed().as_secs_f64()*1000.0, texts.len(), inb, total, total as f64 / inb as f64);
    }
}

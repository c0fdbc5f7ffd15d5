//! Temporal tagger throughput on the TempEval-3 training texts (TimeBank +
//! AQUAINT), read from `../shared/datasets`.

use divan::counter::BytesCount;
use divan::Bencher;
use storyline::eval::timex::load;
use storyline::timex::{tag, TimexConfig};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn tempeval3_texts(bencher: Bencher) {
    let docs =
        load(&storyline::eval::datasets_dir()).expect("tempeval3 data in ../shared/datasets");
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let config = TimexConfig::default();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let n: usize = docs.iter().map(|d| tag(&d.text, d.dct, &config).len()).sum();
        // Keep the bench honest: the tagger finds about as many expressions
        // as the gold has (1,822).
        assert!(n > 1500, "only {n} expressions");
        n
    });
}

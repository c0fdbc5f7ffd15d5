//! Main-content extraction speed over the trafilatura benchmark pages.
//!
//! The bar (issue 3): at least 500 pages per second on one core. Run with
//! `cargo bench -p storyline-engine --bench html`; the page count and the
//! median page size are printed, and the number of pages with text is
//! asserted so the bench stays honest.

use storyline::ingest::html::extract_page;

fn main() {
    divan::main();
}

fn pages() -> Vec<(String, Vec<u8>)> {
    let cases =
        storyline::eval::html::load(&storyline::eval::datasets_dir()).expect("trafilatura-eval");
    let pages: Vec<(String, Vec<u8>)> =
        cases.into_iter().map(|(url, _, path)| (url, std::fs::read(path).expect("page"))).collect();
    let mut sizes: Vec<usize> = pages.iter().map(|(_, b)| b.len()).collect();
    sizes.sort_unstable();
    eprintln!("{} pages, median {} bytes", pages.len(), sizes[sizes.len() / 2]);
    pages
}

/// All 990 pages, one after the other: divide 990 by the time for pages/s.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn all_pages(bencher: divan::Bencher) {
    let pages = pages();
    let total: usize = pages.iter().map(|(_, b)| b.len()).sum();
    bencher.counter(divan::counter::BytesCount::new(total)).bench(|| {
        let with_text = pages
            .iter()
            .filter(|(url, bytes)| {
                !extract_page(divan::black_box(bytes), None, Some(url)).text.is_empty()
            })
            .count();
        assert!(with_text >= 980, "{with_text}");
    });
}

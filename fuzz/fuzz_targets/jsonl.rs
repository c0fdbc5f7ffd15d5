//! Fuzz the jsonl reader, plain and behind a gzip header, through the pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline::ingest::{read_bytes, Item, ReadConfig};
use storyline::model::Format;
use storyline::pipeline::{process, Config};

fuzz_target!(|data: &[u8]| {
    let config = ReadConfig { format: Some(Format::Jsonl), max_record_bytes: 1 << 16 };
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    gz.extend_from_slice(data);
    for bytes in [data, &gz[..]] {
        read_bytes("fuzz", bytes, &config, &mut |item| {
            if let Item::Article(raw) = item {
                let _ = process(raw, &Config::default());
            }
        });
    }
});

//! Fuzz the feed reader through the pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline::ingest::{read_bytes, Item, ReadConfig};
use storyline::model::Format;
use storyline::pipeline::{process, Config};

fuzz_target!(|data: &[u8]| {
    let config = ReadConfig { format: Some(Format::Feed), max_record_bytes: 1 << 16 };
    read_bytes("fuzz", data, &config, &mut |item| {
        if let Item::Article(raw) = item {
            let _ = process(raw, &Config::default());
        }
    });
});

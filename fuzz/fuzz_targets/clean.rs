//! Fuzz cleaning: no panic, offsets in bounds, idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storyline::clean::{clean, CleanConfig};

fuzz_target!(|data: &str| {
    let config = CleanConfig { detect_language: false };
    let once = clean(data, &config);
    for (i, _) in once.text.char_indices() {
        assert!(once.offsets.to_raw(i) <= data.len());
    }
    assert_eq!(clean(&once.text, &config).text, once.text);
});

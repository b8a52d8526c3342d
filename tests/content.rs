//! The repo's own content: the article bodies are the seed texts, byte for byte.

mod common;

use std::fs;

use common::*;

/// (slug, seed file, length, FNV-1a 64 of the seed's bytes), recorded from `../shared/seeds/`
/// so that this test needs nothing outside the repository; when the seeds are beside the
/// repository (as in CI) they are compared directly as well.
const SEEDS: &[(&str, &str, usize, u64)] = &[
    ("hamidun-news", "000_103bb4513c8520bc.txt", 5321, 0x9bb27c83df8b8e99),
    ("why-it-matters", "001_bb2e710879545236.txt", 2210, 0xda322a84627cb71a),
    ("microsoft-reaffirms", "002_8df57a6bb0de5dad.txt", 2843, 0x4613c4458ad4fd7d),
    ("amended-agreement", "003_c0384a5f49fd0d87.txt", 8911, 0x10a7bc5146e5f127),
    ("udaipur-freelancer", "004_a795f4d46e3df640.txt", 8272, 0x868618f0cd1db7b6),
];

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}

/// The body of an article file: everything after the closing `+++` line.
fn body(text: &str) -> &str {
    let close = text[4..].find("\n+++\n").expect("front matter") + 4 + 5;
    &text[close..]
}

#[test]
fn article_bodies_are_the_seeds_byte_for_byte() {
    let seeds_dir = repo().join("../shared/seeds");
    for (slug, seed, len, hash) in SEEDS {
        let text = fs::read_to_string(repo().join(format!("content/articles/{slug}.txt"))).unwrap();
        let body = body(&text);
        assert_eq!(body.len(), *len, "{slug}");
        assert_eq!(fnv1a(body.as_bytes()), *hash, "{slug} differs from {seed}");
        if seeds_dir.is_dir() {
            assert_eq!(body.as_bytes(), fs::read(seeds_dir.join(seed)).unwrap(), "{slug}");
        }
    }
    let count = fs::read_dir(repo().join("content/articles")).unwrap().count();
    assert_eq!(count, SEEDS.len());
}

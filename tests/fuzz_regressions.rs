//! Replays the fuzz seeds and every input that once failed a fuzz target
//! (`fuzz/regressions/<target>/`) through the same entry points the fuzzer calls, in a
//! plain `cargo test`. Each entry point asserts its own invariants; see `briefing::fuzz`.

use std::fs;
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = fs::read_dir(root.join(dir).join(target)) else { continue };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            if f.file_name().is_some_and(|n| n == ".gitkeep") {
                continue;
            }
            let data = fs::read(&f).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails; rerun with `cargo fuzz run {target} {}`", f.display(), f.display());
            n += 1;
        }
    }
    n
}

#[test]
fn article() {
    assert!(replay("article", briefing::fuzz::article) >= 5);
}

#[test]
fn claims() {
    assert!(replay("claims", briefing::fuzz::claims) >= 2);
}

#[test]
fn render() {
    assert!(replay("render", briefing::fuzz::render) >= 2);
}

#[test]
fn suggest() {
    assert!(replay("suggest", briefing::fuzz::suggest) >= 2);
}

/// The safety check the targets apply is live: it catches what it must, and lets
/// escaped text and quoted attribute values through.
#[test]
fn the_safety_check_can_fail() {
    use briefing::fuzz::check_safe;
    for bad in [
        "<p>x</p><script>alert(1)</script>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<img src=x onerror=alert(1)>",
        "<a title=\">\" onclick=\"x\">y</a>",
        "<A HREF='data:text/html,x'>y</A>",
    ] {
        assert!(std::panic::catch_unwind(|| check_safe(bad)).is_err(), "missed {bad}");
    }
    for good in
        ["<p>&lt;script&gt; javascript:alert(1)</p>", "<a title=\"<script> onclick=x\" href=\"https://e.org\">y</a>"]
    {
        check_safe(good);
    }
}

#[test]
fn import() {
    // The seeds, and the realistic pages of tests/import.rs.
    let mut n = replay("import", briefing::fuzz::import);
    for entry in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")).unwrap() {
        briefing::fuzz::import(&fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n >= 5);
}

//! `briefing new DIR`: a new site that builds and checks cleanly as created, with one
//! example of every kind of entry, for an editor to replace with a real story.

use std::fs;
use std::io;
use std::path::Path;

/// The files of a new site: (path in the site, content).
pub const FILES: &[(&str, &str)] = &[
    ("briefing.toml", include_str!("scaffold/briefing.toml")),
    ("content/briefing.md", include_str!("scaffold/briefing.md")),
    ("content/articles/example.md", include_str!("scaffold/example.md")),
    ("content/claims.toml", include_str!("scaffold/claims.toml")),
    (".gitignore", include_str!("scaffold/gitignore")),
];

/// Creates a site in `dir`, which must not exist or be empty. Refuses to overwrite anything.
pub fn create(dir: &Path) -> io::Result<()> {
    if dir.exists() {
        let empty = dir.is_dir() && fs::read_dir(dir)?.next().is_none();
        if !empty {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} already exists and is not an empty folder", dir.display()),
            ));
        }
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, text)?;
    }
    Ok(())
}

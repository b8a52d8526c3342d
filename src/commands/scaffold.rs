//! `briefing new DIR`: a new site that builds and checks cleanly as created, with one
//! example of every kind of entry, for an editor to replace with a real story; and
//! `briefing new --briefing SLUG [DIR]`: the same briefing added to an archive.

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

/// Adds the briefing `slug` to the archive in `dir` (created, with its `briefing.toml`,
/// when it does not exist): `content/<slug>/` with its `briefing.md` (title, today's
/// date, summary, lead), an example article and a claims file, ready to build.
pub fn add_briefing(dir: &Path, slug: &str) -> Result<(), (String, String)> {
    if !crate::model::config::is_slug(slug) {
        return Err((
            format!("`{slug}` cannot be a briefing's name"),
            "use a-z, 0-9 and single hyphens, such as `harbour-reopening`".into(),
        ));
    }
    if dir.join("content/claims.toml").exists() {
        return Err((
            format!("{} is a site of one briefing (it has content/claims.toml)", dir.display()),
            format!(
                "to make it an archive, move content/claims.toml, content/articles/ and content/briefing.md into content/<its-slug>/ and give briefing.md a title and date (docs/archive.md), then add `{slug}`"
            ),
        ));
    }
    let folder = dir.join("content").join(slug);
    if folder.exists() {
        return Err((format!("{} exists already", folder.display()), "choose another name".into()));
    }
    let io = |e: io::Error| {
        (format!("cannot write in {}: {e}", dir.display()), "check that the folder may be written".to_string())
    };
    if !dir.join("briefing.toml").exists() {
        for (path, text) in FILES.iter().filter(|(p, _)| !p.starts_with("content/")) {
            fs::create_dir_all(dir).map_err(io)?;
            fs::write(dir.join(path), text).map_err(io)?;
        }
    }
    let heading = format!(
        "+++\ntitle = \"Example Town's harbour reopening, checked\"\ndate = {}\nsummary = \"What the local report says about the harbour reopening, checked against the council's notice.\"\n+++\n",
        crate::model::date::Date::today()
    );
    let files = [
        ("briefing.md", format!("{heading}{}", include_str!("scaffold/briefing.md"))),
        ("articles/example.md", include_str!("scaffold/example.md").to_string()),
        ("claims.toml", include_str!("scaffold/claims.toml").to_string()),
    ];
    fs::create_dir_all(folder.join("articles")).map_err(io)?;
    for (path, text) in files {
        fs::write(folder.join(path), text).map_err(io)?;
    }
    Ok(())
}

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
    // `content/articles/` is a site of one briefing's folder, never a briefing; topics,
    // outlets, search and page are the archive's own pages.
    if !crate::model::config::is_slug(slug) || crate::stages::load::TAKEN.contains(&slug) {
        return Err((
            format!("`{slug}` cannot be a briefing's name"),
            "use a-z, 0-9 and single hyphens, such as `harbour-reopening` (articles, topics, outlets, search and page are taken)".into(),
        ));
    }
    if dir.join("content/claims.toml").exists() {
        return Err((
            format!("{} is a site of one briefing (it has content/claims.toml)", dir.display()),
            format!(
                "to make it an archive, follow docs/archive.md (\"From one briefing to an archive\"), then add `{slug}`"
            ),
        ));
    }
    let empty = || fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
    if !dir.join("briefing.toml").exists() && !empty() {
        return Err((
            format!("{} is neither an archive (it has no briefing.toml) nor empty", dir.display()),
            "name a new or empty folder for a new archive, or the folder of an existing one".into(),
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
        fs::create_dir_all(dir).map_err(io)?;
        fs::write(dir.join("briefing.toml"), archive_config()).map_err(io)?;
        fs::write(dir.join(".gitignore"), include_str!("scaffold/gitignore")).map_err(io)?;
    }
    let title = slug.replace('-', " ");
    let title = title[..1].to_uppercase() + &title[1..];
    let heading = format!(
        "+++\ntitle = \"{title}\"\ndate = {}\nsummary = \"One or two sentences on the event, and on what the briefing checks.\"\n+++\n",
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

/// A new archive's `briefing.toml`: the scaffold's, named for an archive.
fn archive_config() -> String {
    let mut out = String::new();
    for line in include_str!("scaffold/briefing.toml").lines() {
        let line = match line {
            l if l.starts_with("title = ") => "title = \"Our fact-checked briefings\"".to_string(),
            l if l.starts_with("description = ") => {
                "description = \"Each briefing sets what the articles about one event say against the record.\""
                    .to_string()
            }
            l => l.replace("/harbour/", "/briefings/").replace("/harbour\"", "/briefings\""),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

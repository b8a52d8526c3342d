//! The site's configuration, `briefing.toml`, and the verdict scale.

use serde::Serialize;

use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::tomlfile::{self, Fields, Sp};

/// The name of the config file at the site root.
pub const CONFIG_FILE: &str = "briefing.toml";

/// What `briefing.toml` says.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The briefing's title.
    pub title: String,
    /// One or two sentences: what the briefing covers.
    pub description: String,
    /// The language of the pages (`lang` attribute), e.g. `en`.
    pub language: String,
    /// Absolute URL the site is served from, ending in `/`; only used where a URL must be
    /// absolute (canonical links). Links between pages are always relative.
    pub base_url: Option<String>,
    /// The web address of the Git repository holding the site, for "edit" links.
    pub repo_url: Option<String>,
    /// The theme folder under `themes/`.
    pub theme: String,
    /// Where `theme` is set in [`Config::file`], for an error when its folder is missing.
    #[serde(skip)]
    pub theme_span: Option<std::ops::Range<usize>>,
    /// The file itself, for errors found later in what it says (a broken link in the
    /// corrections policy).
    #[serde(skip)]
    pub file: SourceFile,
    /// Whether the verdict scale read without an error: if not, a claim's verdict that
    /// is not on what was read is not reported (the scale's own error was).
    #[serde(skip)]
    pub verdicts_read: bool,
    /// Who publishes the briefing.
    pub publisher: Publisher,
    /// The verdict scale, in display order.
    pub verdicts: Vec<Verdict>,
    /// Markdown: how the briefing corrects its fact-checks, shown on the corrections page.
    pub corrections_policy: String,
    /// Whether the verdict scale and the corrections policy are the site's own, not the
    /// defaults (which the loader puts in the site's language).
    #[serde(skip)]
    pub own: (bool, bool),
    /// `[strings]`: the site's own wording of interface strings, over the theme's.
    #[serde(skip)]
    pub strings: Vec<crate::model::locale::Entry>,
    /// Whether claim pages and the front page get a share card (`og:image`) when
    /// `base_url` is set: `share_cards = false` turns them off.
    pub share_cards: bool,
    /// How many items a list page of an archive shows before the next page
    /// (`paginate_by`, default 50): the home's briefings, a topic's claims, an outlet's
    /// articles.
    pub paginate_by: usize,
    /// How many entries a feed holds, the most recently updated (`feed_limit`, default
    /// 50; 0 for all of them).
    pub feed_limit: usize,
}

/// `paginate_by` when `briefing.toml` gives none.
pub const DEFAULT_PAGINATE_BY: usize = 50;

/// `feed_limit` when `briefing.toml` gives none.
pub const DEFAULT_FEED_LIMIT: usize = 50;

/// The corrections policy used when `briefing.toml` states none.
pub const DEFAULT_CORRECTIONS_POLICY: &str = "We correct our fact-checks openly. When a verdict, finding or \
source changes after publication, the claim's page says what changed, when and why, the change is listed on \
this page, and the claim's entry in the feed is updated. Nothing is removed silently.";

/// The publisher of the briefing (not of the articles).
#[derive(Debug, Clone, Serialize)]
pub struct Publisher {
    /// Name, e.g. a newsroom.
    pub name: String,
    /// Its home page.
    pub url: Option<String>,
}

/// One step of the verdict scale.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verdict {
    /// The key used in the claims file and as a CSS class: `[a-z0-9-]+`.
    pub key: String,
    /// What readers see, e.g. "False".
    pub label: String,
    /// A sentence defining it, for the methodology section.
    pub description: String,
    /// Whether passages with this verdict are flagged (shown prominently).
    pub flag: bool,
    /// 1 (false) to 5 (true) for ClaimReview; `None` for verdicts off that axis.
    pub rating: Option<u8>,
}

impl Config {
    /// The verdict with this key.
    pub fn verdict(&self, key: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.key == key)
    }
}

/// The verdict scale used when `briefing.toml` defines none. Documented in
/// `docs/claims-format.md`; keep the two in step.
pub fn default_verdicts() -> Vec<Verdict> {
    let v = |key: &str, label: &str, description: &str, flag: bool, rating: Option<u8>| Verdict {
        key: key.into(),
        label: label.into(),
        description: description.into(),
        flag,
        rating,
    };
    vec![
        v("accurate", "Accurate", "What the article says matches the primary sources.", false, Some(5)),
        v(
            "imprecise",
            "Imprecise",
            "Broadly right, but a figure, date or wording is looser than the sources support.",
            true,
            Some(4),
        ),
        v(
            "misleading",
            "Misleading",
            "The facts may be right, but the framing or missing context leads readers to a wrong conclusion.",
            true,
            Some(2),
        ),
        v(
            "outdated",
            "Outdated",
            "Was true at some time, but no longer at the time the article describes.",
            true,
            None,
        ),
        v("false", "False", "Contradicted by the primary sources.", true, Some(1)),
        v("unverifiable", "Unverifiable", "No primary source we could find confirms or refutes it.", true, None),
    ]
}

const KNOWN: &[&str] = &[
    "title",
    "description",
    "language",
    "base_url",
    "repo_url",
    "theme",
    "publisher",
    "verdict",
    "corrections_policy",
    "strings",
    "share_cards",
    "paginate_by",
    "feed_limit",
];

/// Reads `briefing.toml` from its text. Returns `None` only when it is not TOML at all;
/// a config with field errors is returned, blank where a field failed, so that the rest of
/// the site is checked in the same run (the errors, reported, stop the build).
pub fn parse(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Option<Config> {
    let text = file.text.clone();
    let root = tomlfile::parse(file, &text, 0, diags)?;
    let mut f = Fields::new(file, root.get_ref(), 0..0, "`briefing.toml`", KNOWN, 0, diags);
    let title = f.str("title");
    let description = f.str("description");
    let language = f.opt_str("language");
    let base_url = f.opt_str("base_url");
    let repo_url = f.opt_str("repo_url");
    let theme = f.opt_str("theme");
    let corrections_policy = f.opt_str("corrections_policy");
    let strings = f.table("strings");
    let share_cards = f.opt_bool("share_cards").unwrap_or(true);
    let paginate_by = f.opt_int("paginate_by", 1..10_001).map_or(DEFAULT_PAGINATE_BY, |n| n.value as usize);
    let feed_limit = f.opt_int("feed_limit", 0..1_000_001).map_or(DEFAULT_FEED_LIMIT, |n| n.value as usize);
    let publisher = f.table("publisher");
    let verdict_tables = f.tables("verdict");

    if let Some(lang) = &language
        && !valid_language(&lang.value)
    {
        diags.push(
            Diagnostic::error("bad-language", format!("`{}` is not a language tag", lang.value))
                .at(file, lang.span.clone(), "expected a tag such as `en` or `pt-BR`")
                .help("use a BCP 47 language tag: `en`, `fr`, `pt-BR`"),
        );
    }
    let base_url = base_url.and_then(|u| check_url(file, &u, "base_url", diags).map(with_slash));
    let repo_url = repo_url.and_then(|u| check_url(file, &u, "repo_url", diags));
    if let Some(theme) = &theme
        && !is_slug(&theme.value)
    {
        diags.push(
            Diagnostic::error("bad-theme", format!("theme name `{}` is not a folder name", theme.value))
                .at(file, theme.span.clone(), "not a theme name")
                .help("a theme is a folder under `themes/`, named with a-z, 0-9 and -"),
        );
    }

    let publisher = match publisher {
        Some((table, span)) => {
            let mut p = Fields::new(file, table, span, "`[publisher]`", &["name", "url"], 0, diags);
            let name = p.str("name");
            let url = p.opt_str("url");
            let url = url.and_then(|u| check_url(file, &u, "url", diags));
            name.map(|n| Publisher { name: n.value, url })
        }
        None => {
            diags.push(
                Diagnostic::error("missing-field", "missing table `[publisher]` in `briefing.toml`")
                    .at(file, 0..0, "the publisher is who stands behind the fact-checks")
                    .help("add:\n[publisher]\nname = \"Your newsroom\"\nurl = \"https://example.org/\""),
            );
            None
        }
    };

    let strings = strings.map(|(t, _)| crate::model::locale::texts(file, t, 0, diags)).unwrap_or_default();
    let at_verdicts = diags.len();
    let verdicts =
        if verdict_tables.is_empty() { default_verdicts() } else { parse_verdicts(file, &verdict_tables, diags) };
    let verdicts_read = !diags[at_verdicts..].iter().any(Diagnostic::is_error);

    // With errors, the config is still returned (blank where a field failed) so that the
    // claims and articles are checked in the same run; the errors stop the build.
    Some(Config {
        verdicts_read,
        file: file.clone(),
        title: title.map(|t| t.value).unwrap_or_default(),
        description: description.map(|d| d.value).unwrap_or_default(),
        language: language.map_or_else(|| "en".to_string(), |l| l.value),
        base_url,
        repo_url,
        // A theme name that is not a folder name was reported: the default stands in.
        theme_span: theme.as_ref().map(|t| t.span.clone()),
        theme: theme.filter(|t| is_slug(&t.value)).map_or_else(|| "default".to_string(), |t| t.value),
        publisher: publisher.unwrap_or(Publisher { name: String::new(), url: None }),
        own: (!verdict_tables.is_empty(), corrections_policy.is_some()),
        verdicts,
        corrections_policy: corrections_policy.map_or_else(|| DEFAULT_CORRECTIONS_POLICY.to_string(), |p| p.value),
        strings,
        share_cards,
        paginate_by,
        feed_limit,
    })
}

fn parse_verdicts(
    file: &SourceFile,
    tables: &[(&tomlfile::Table<'_>, std::ops::Range<usize>)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Verdict> {
    let mut out: Vec<Verdict> = Vec::new();
    let mut seen: Vec<Sp<String>> = Vec::new();
    for (table, span) in tables {
        let known = &["key", "label", "description", "flag", "rating"];
        let mut f = Fields::new(file, table, span.clone(), "`[[verdict]]`", known, 0, diags);
        let key = f.str("key");
        let label = f.str("label");
        let description = f.str("description");
        let flag = f.opt_bool("flag");
        let rating = f.opt_int("rating", 1..6);
        let Some(key) = key else { continue };
        if !is_slug(&key.value) {
            diags.push(
                Diagnostic::error(
                    "bad-id",
                    format!("verdict key `{}` must use a-z and 0-9, with single hyphens between words", key.value),
                )
                .at(file, key.span.clone(), "invalid key")
                .help("keys are used in the claims file and as CSS classes, e.g. `mostly-false`"),
            );
        }
        if let Some(first) = seen.iter().find(|s| s.value == key.value) {
            diags.push(
                Diagnostic::error("duplicate-id", format!("verdict `{}` is defined twice", key.value))
                    .at(file, key.span.clone(), "defined again here")
                    .also(first.span.clone(), "first defined here")
                    .help("give each verdict a different key"),
            );
        }
        seen.push(key.clone());
        if let (Some(label), Some(description)) = (label, description) {
            out.push(Verdict {
                key: key.value,
                label: label.value,
                description: description.value,
                flag: flag.unwrap_or(true),
                rating: rating.map(|r| r.value as u8),
            });
        }
    }
    out
}

fn check_url(file: &SourceFile, url: &Sp<String>, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if is_web_url(&url.value) {
        Some(url.value.clone())
    } else {
        let message = format!("`{key}` must be an http or https address");
        let help = "write the full address, e.g. \"https://example.org/briefing/\"";
        diags.push(bad_url(file, url.span.clone(), &url.value, [&message, "not a web address", help]));
        None
    }
}

fn with_slash(mut url: String) -> String {
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// Whether `url` is an absolute http(s) URL with a host and no spaces or quotes: the only
/// links from curated data that are ever put into pages.
pub fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !url.chars().any(not_in_address)
        }
        None => false,
    }
}

/// A character a link from curated data may not hold as written: white space, a control
/// character, a quotation mark, `<`, `>` or `\`.
fn not_in_address(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\')
}

/// The `bad-url` error for `url`, found at `span` of `file`: `message`, `label` and `help`
/// say what is wrong with a value that is no web address at all; an http(s) address that
/// only holds a character no address may (`<`, a space, a quotation mark) is told which,
/// and how to write it.
pub fn bad_url(file: &SourceFile, span: std::ops::Range<usize>, url: &str, what: [&str; 3]) -> Diagnostic {
    let [message, label, help] = what;
    let web = url.starts_with("https://") || url.starts_with("http://");
    match url.chars().find(|&c| not_in_address(c)).filter(|_| web) {
        Some(c) => {
            let encoded: String = c.to_string().bytes().map(|b| format!("%{b:02X}")).collect();
            Diagnostic::error("bad-url", format!("the address holds `{}`, which no address may", c.escape_debug()))
                .at(file, span, "not allowed in an address")
                .help(format!("write it as {encoded}, as a browser would"))
        }
        None => Diagnostic::error("bad-url", message).at(file, span, label).help(help),
    }
}

/// Normalises a `--base-url` given on the command line.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    if is_web_url(url) {
        Ok(with_slash(url.to_string()))
    } else {
        Err(format!("--base-url `{url}` must be an http or https address, e.g. https://example.org/briefing/"))
    }
}

/// `[a-z0-9-]+`, not starting or ending with `-`: safe as a file name and URL segment on
/// every file system and host.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Whether `tag` has the shape of a BCP 47 language tag: a primary language of two or
/// three letters, then subtags of one to eight letters or digits (`en`, `pt-BR`,
/// `zh-Hant-TW`). The tag names a locale table's file, so nothing else may pass.
pub fn valid_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Option<Config>, Vec<Diagnostic>) {
        let file = SourceFile::new("briefing.toml", text);
        let mut diags = Vec::new();
        (parse(&file, &mut diags), diags)
    }

    const OK: &str = "title = \"T\"\ndescription = \"D\"\n[publisher]\nname = \"P\"\n";

    #[test]
    fn minimal_config_gets_defaults() {
        let (c, d) = load(OK);
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.theme, "default");
        assert_eq!(c.verdicts.len(), 6);
        assert_eq!(c.verdict("false").unwrap().rating, Some(1));
    }

    #[test]
    fn typo_in_key_is_an_error_with_suggestion() {
        let (c, d) = load(&OK.to_string()[..].replace("description", "descripton"));
        // Returned for the rest of the checks; the error stops the build.
        assert!(c.is_some_and(|c| c.description.is_empty()));
        let unknown = d.iter().find(|d| d.code == "unknown-field").unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `description`?"));
        assert_eq!(unknown.line_col(), Some((2, 1)));
    }

    #[test]
    fn base_url_gets_a_slash_and_bad_urls_are_refused() {
        let (c, _) = load(&format!("base_url = \"https://e.org/b\"\n{OK}"));
        assert_eq!(c.unwrap().base_url.as_deref(), Some("https://e.org/b/"));
        let (c, d) = load(&format!("base_url = \"javascript:alert(1)\"\n{OK}"));
        assert!(c.unwrap().base_url.is_none());
        assert_eq!(d[0].code, "bad-url");
    }

    #[test]
    fn verdict_scale_can_be_replaced() {
        let text = format!(
            "{OK}[[verdict]]\nkey = \"true\"\nlabel = \"True\"\ndescription = \"d\"\nflag = false\nrating = 5\n\
             [[verdict]]\nkey = \"true\"\nlabel = \"X\"\ndescription = \"d\"\nrating = 9\n"
        );
        let (c, d) = load(&text);
        assert!(!c.unwrap().verdicts_read, "claims' verdicts are not checked against a broken scale");
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"duplicate-id"), "{codes:?}");
        assert!(codes.contains(&"out-of-range"), "{codes:?}");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("harbour-gazette"));
        assert!(!is_slug("Harbour"));
        assert!(!is_slug("../x"));
        assert!(!is_slug("a b"));
        // One rule with the JSON Schema's `^[a-z0-9]+(-[a-z0-9]+)*$`.
        for bad in ["ex--ample", "-a", "a-", "-", ""] {
            assert!(!is_slug(bad), "{bad}");
        }
        assert!(!is_slug("-a"));
        assert!(!is_slug("é"));
    }
}

//! Text the extractor kept that the article's author did not write: newsletter boxes,
//! "Read more" links, share prompts, cookie notices. Never removed: proposed to the editor
//! as `[[artifact]]` entries to paste, so that the claims file records what was set aside.

/// Phrases that mark a paragraph as page furniture, lower-cased, in the languages the
/// default theme speaks.
const MARKERS: &[(&str, &str)] = &[
    ("newsletter", "Newsletter box captured with the article."),
    ("subscribe", "Subscription prompt captured with the article."),
    ("sign up", "Sign-up prompt captured with the article."),
    ("read more", "Link to other stories captured with the article."),
    ("read also", "Link to other stories captured with the article."),
    ("related stories", "Link to other stories captured with the article."),
    ("related articles", "Link to other stories captured with the article."),
    ("share this", "Share prompt captured with the article."),
    ("share on", "Share prompt captured with the article."),
    ("follow us", "Social media prompt captured with the article."),
    ("cookie", "Cookie notice captured with the article."),
    ("advertisement", "Advertisement captured with the article."),
    ("related:", "Link to other stories captured with the article."),
    ("support our journalism", "Appeal for support captured with the article."),
    ("become a member", "Appeal for support captured with the article."),
    ("donate", "Appeal for support captured with the article."),
    ("partagez", "Share prompt captured with the article."),
    ("teilen sie", "Share prompt captured with the article."),
    ("comparte", "Share prompt captured with the article."),
    ("поделиться", "Share prompt captured with the article."),
    ("شارك", "Share prompt captured with the article."),
    ("abonnez-vous", "Subscription prompt captured with the article."),
    ("lire aussi", "Link to other stories captured with the article."),
    ("mehr zum thema", "Link to other stories captured with the article."),
    ("suscríbete", "Subscription prompt captured with the article."),
    ("lee también", "Link to other stories captured with the article."),
    ("подпишитесь", "Subscription prompt captured with the article."),
    ("читайте также", "Link to other stories captured with the article."),
    ("اشترك", "Subscription prompt captured with the article."),
    ("اقرأ أيضا", "Link to other stories captured with the article."),
];

/// Paragraphs longer than this are prose that mentions a marker, not furniture.
const MAX_WORDS: usize = 40;

/// A proposed `[[artifact]]`: the words as a reader sees them, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The paragraph's visible text.
    pub quote: String,
    /// Why it looks like furniture.
    pub reason: &'static str,
}

/// The paragraphs of `body` (markdown, or text) that look like page furniture.
pub fn find(body: &str, markdown: bool) -> Vec<Leftover> {
    let mut out: Vec<Leftover> = Vec::new();
    let highlighter = crate::model::highlight::Highlighter::new();
    for line in body.lines() {
        let visible = match markdown {
            true => visible(line, &highlighter),
            false => line.split_whitespace().collect::<Vec<_>>().join(" "),
        };
        if visible.split_whitespace().count() > MAX_WORDS || visible.is_empty() {
            continue;
        }
        let lower = visible.to_lowercase();
        if let Some((_, reason)) = MARKERS.iter().find(|(m, _)| lower.contains(m))
            && !out.iter().any(|l| l.quote == visible)
        {
            out.push(Leftover { quote: visible, reason });
        }
    }
    out
}

/// A markdown line as a reader sees it: the text the site's anchoring matches quotes
/// against (no link targets, emphasis, escapes, heading, quote or list markers).
fn visible(line: &str, highlighter: &crate::model::highlight::Highlighter) -> String {
    let text = crate::model::markup::from_markdown(line, 1, highlighter).text;
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `[[artifact]]` entries for `leftovers` of article `slug`, ready to paste.
pub fn snippet(slug: &str, leftovers: &[Leftover]) -> String {
    let mut out = String::new();
    for l in leftovers {
        let quote = l.quote.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!(
            "[[artifact]]\narticle = \"{slug}\"\nquote = \"{quote}\"\nreason = \"{}\"\n\n",
            l.reason
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_is_proposed_and_prose_is_not() {
        let body = "The council voted.\n\n**Sign up** for our [newsletter](https://x.example/n) today\n\n\
                    A long paragraph that mentions a cookie jar in passing but is plainly the author's own prose, \
                    going on for many words about the budget, the vote, the library and the people of the town, \
                    with more detail than any page furniture would ever carry in a box.\n\n> Read more: [Other story](/o)\n\n\
                    Share this post: Twitter \\| Facebook\n";
        let found = find(body, true);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[2].quote, "Share this post: Twitter | Facebook", "as a reader sees it, no escapes");
        assert_eq!(found[0].quote, "Sign up for our newsletter today");
        assert_eq!(found[1].quote, "Read more: Other story");
        let toml = snippet("gazette", &found);
        assert!(toml.contains("[[artifact]]\narticle = \"gazette\"\nquote = \"Sign up for our newsletter today\""));
    }
}

//! The style a browser gives an element from syntect's stylesheets, worked out as CSS does:
//! for tests, and to make `syntaxes/toml.classes` (see `classes.rs`).
//!
//! The rules use only type and class selectors, compound (`.hl-string.hl-quoted`,
//! `span.hl-string`) and descendant (`.hl-source.hl-css .hl-meta`), and set only inherited
//! looks (colour, weight, slant) or ones that paint over what they hold (background,
//! underline). So an element's style is, for each property, the value of the matching
//! rule that is `!important`, then most specific, then latest; else its parent's.

/// The properties syntect's stylesheets set.
pub const PROPERTIES: [&str; 5] = ["color", "background-color", "font-style", "font-weight", "text-decoration"];

/// One rule: its selector (compound selectors, outermost first, each a set of names:
/// classes, and a tag as `<tag>`), its specificity, and its declarations (property, value,
/// whether `!important`).
#[derive(Debug)]
pub struct Rule {
    selector: Vec<Vec<String>>,
    specificity: usize,
    declarations: Vec<(usize, String, bool)>,
}

/// An element of the page, as rules see it: its tag (as `<tag>`) and its classes.
pub type Element<'e> = Vec<&'e str>;

/// The rules of a stylesheet, in order (comments and `@media` blocks left out).
pub fn parse(css: &str) -> Vec<Rule> {
    let text = without_comments(css);
    let mut rules = Vec::new();
    for (selectors, body) in blocks(&text) {
        let declarations = declarations_in(body);
        for selector in selectors.split(',').map(str::trim).filter(|s| !s.is_empty() && !s.starts_with('@')) {
            let selector: Vec<Vec<String>> = selector.split_whitespace().map(compound).collect();
            // A class counts ten times a tag (CSS's (0,1,0) against (0,0,1)).
            let specificity = selector.iter().flatten().map(|n| if n.starts_with('<') { 1 } else { 10 }).sum();
            rules.push(Rule { selector, specificity, declarations: declarations.clone() });
        }
    }
    rules
}

/// Each rule block of `text`: its selectors and its body. A block's first rule follows the
/// block's head (`@media (…) {`), which is left out: the selectors are what stands after
/// the last opening brace before the body.
fn blocks(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split('}').filter_map(|block| {
        let mut parts = block.rsplit('{');
        let body = parts.next()?;
        Some((parts.next()?.trim(), body))
    })
}

/// The declarations of a rule's body that set one of [`PROPERTIES`]: (property, value,
/// whether `!important`).
fn declarations_in(body: &str) -> Vec<(usize, String, bool)> {
    body.split(';')
        .filter_map(|d| d.split_once(':'))
        .filter_map(|(p, v)| {
            let (v, important) = v.trim().strip_suffix("!important").map_or((v, false), |v| (v, true));
            PROPERTIES.iter().position(|x| *x == p.trim()).map(|i| (i, v.trim().to_string(), important))
        })
        .collect()
}

/// `css` with its comments left out.
pub fn without_comments(css: &str) -> String {
    let (b, mut out, mut from, mut i) = (css.as_bytes(), String::new(), 0, 0);
    while i + 1 < b.len() {
        if (b[i], b[i + 1]) != (b'/', b'*') {
            i += 1;
            continue;
        }
        out.push_str(&css[from..i]);
        // The comment ends after the next `*` and `/`, or with the text.
        let end = (i + 2..b.len().saturating_sub(1)).find(|&j| (b[j], b[j + 1]) == (b'*', b'/'));
        (from, i) = end.map_or((b.len(), b.len()), |j| (j + 2, j + 2));
    }
    out.push_str(&css[from.min(css.len())..]);
    out
}

/// A compound selector's names: `span.a.b` → `<span>`, `a`, `b`.
fn compound(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text.split('.').skip(1).map(str::to_string).collect();
    let tag = text.split('.').next().unwrap_or("");
    if !tag.is_empty() {
        names.push(format!("<{tag}>"));
    }
    names
}

/// Whether `rule` matches the last element of `chain` (outermost first).
fn matches(rule: &Rule, chain: &[Element]) -> bool {
    let has = |element: &Vec<&str>, compound: &Vec<String>| compound.iter().all(|c| element.contains(&c.as_str()));
    let Some((last, ancestors)) = rule.selector.split_last() else { return false };
    let Some((element, mut above)) = chain.split_last() else { return false };
    if !has(element, last) {
        return false;
    }
    // Descendant combinators only: matching each compound to the nearest ancestor that
    // has it leaves the most ancestors for the compounds before it.
    for compound in ancestors.iter().rev() {
        match above.iter().rposition(|e| has(e, compound)) {
            Some(at) => above = &above[..at],
            None => return false,
        }
    }
    true
}

/// The style of the last element of `chain` under `rules`: each property's value, `None`
/// where no rule sets it for the element or any of its ancestors.
pub fn style(rules: &[Rule], chain: &[Element]) -> [Option<String>; 5] {
    let mut style: [Option<String>; 5] = Default::default();
    for depth in 1..=chain.len() {
        let mut best: [Option<((bool, usize), &String)>; 5] = Default::default();
        for rule in rules.iter().filter(|r| matches(r, &chain[..depth])) {
            for (p, value, important) in &rule.declarations {
                let rank = (*important, rule.specificity);
                if best[*p].is_none_or(|(r, _)| rank >= r) {
                    best[*p] = Some((rank, value));
                }
            }
        }
        for (p, b) in best.iter().enumerate() {
            if let Some((_, value)) = b {
                style[p] = Some((*value).clone());
            }
        }
    }
    style
}

/// The declarations of a style, as a rule's body.
pub fn declarations(style: &[Option<String>; 5]) -> String {
    PROPERTIES.iter().zip(style).filter_map(|(p, v)| v.as_ref().map(|v| format!(" {p}: {v};"))).collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_rule_wins_then_the_later_and_looks_are_inherited() {
        let rules = parse(
            "/* c */ .a { color: red; }\n.a.b { color: blue;\n font-weight: bold; }\n.x .b { color: green; }\n\
             @media (x) {\n.b { font-style: italic; }\n}\n.a.b { color: navy; }\n\
             pre span.i { color: olive !important; }\n.q.q.i { color: teal; }",
        );
        let chain = |c: &[&[&'static str]]| c.iter().map(|e| e.to_vec()).collect::<Vec<_>>();
        let s = style(&rules, &chain(&[&["a", "b"]]));
        assert_eq!(s[0].as_deref(), Some("navy"), "the later of two equally specific rules");
        assert_eq!(s[3].as_deref(), Some("bold"));
        assert_eq!(s[2].as_deref(), Some("italic"), "a rule in a media block");
        let s = style(&rules, &chain(&[&["x"], &["y"], &["b"]]));
        assert_eq!(s[0].as_deref(), Some("green"), "a descendant, however deep");
        let s = style(&rules, &chain(&[&["a"], &["c"]]));
        assert_eq!((s[0].as_deref(), s[3].as_deref()), (Some("red"), None), "inherited from the parent");
        assert_eq!(declarations(&s), " color: red;");
        let s = style(&rules, &chain(&[&["<pre>"], &["<span>", "q", "i"]]));
        assert_eq!(s[0].as_deref(), Some("olive"), "!important wins over a more specific rule");
        let s = style(&rules, &chain(&[&["<div>"], &["<span>", "q", "i"]]));
        assert_eq!(s[0].as_deref(), Some("teal"), "a tag that does not match");
        // A comment left open runs to the end (written in two pieces, so that no reader of
        // this file takes the string for an open comment).
        let open = ["/", "* e"].concat();
        assert_eq!(without_comments(&format!("a/* b */c/**/d{open}")), "acd");
    }
}

//! The templates' access to the locale (see [`crate::model::locale`]): the function `t`
//! for a string, `t_html` for one with markup in its arguments, and the filter
//! `long_date` for a date.
//!
//! ```text
//! {{ t(k="tally-articles", n=counts.articles, count=counts.articles) }}
//! {{ t_html(k="footer-made", publisher_html=link, generator=site.generator) | safe }}
//! {{ claim.checked | long_date }}   {{ e.date | long_date(weekday=true) }}
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use tera::ast::{Expr, ExprVal, Node};
use tera::{Tera, Value};

use crate::model::date::Date;
use crate::model::locale::{Locale, already_quoted, count, fill};
use crate::model::markup::escape;

/// Registers `t`, `t_html` and `long_date` on `tera`, speaking `locale`.
pub fn register(tera: &mut Tera, locale: &Arc<Locale>) {
    let l = Arc::clone(locale);
    tera.register_function("t", move |args: &HashMap<String, Value>| text(&l, args, false));
    let l = Arc::clone(locale);
    tera.register_function("t_html", move |args: &HashMap<String, Value>| text(&l, args, true));
    let l = Arc::clone(locale);
    tera.register_filter("long_date", move |value: &Value, args: &HashMap<String, Value>| {
        let iso = value.get("iso").unwrap_or(value).as_str().unwrap_or_default();
        let date = Date::parse(iso).map_err(|e| tera::Error::msg(format!("long_date: {e}")))?;
        let long = l.date(date);
        if args.get("weekday").and_then(Value::as_bool).unwrap_or(false) {
            let weekday = l.weekday(date);
            return Ok(Value::String(l.get("weekday-date", None, &[("weekday", weekday), ("date", &long)])));
        }
        Ok(Value::String(long))
    });
}

/// Replaces each `{{ t(k="…") }}` and `{{ t_html(k="…") | safe }}` whose arguments are
/// all literals with the text it always writes, in every template, block and macro of
/// `tera`, which speaks `locale` (see [`register`]).
///
/// Every page calls a dozen of these (the skip link, the navigation, the footer's links),
/// and each call built an argument map, looked the string up and filled it: 5% of a
/// fresh build at 10,000 articles and 20,000 claims. A call is folded only where the
/// page's bytes cannot tell: its text has nothing to escape, or it is marked `safe`, so
/// whether the page (or a macro called inside a `set`) escapes makes no difference.
/// A call that fails (no such string) is left, to fail where it is rendered.
pub fn fold(tera: &mut Tera, locale: &Locale) {
    for t in tera.templates.values_mut() {
        fold_nodes(&mut t.ast, locale);
        t.blocks.values_mut().for_each(|b| fold_nodes(&mut b.body, locale));
        t.macros.values_mut().for_each(|m| fold_nodes(&mut m.body, locale));
        for defs in t.blocks_definitions.values_mut() {
            defs.iter_mut().for_each(|(_, b)| fold_nodes(&mut b.body, locale));
        }
    }
}

fn fold_nodes(nodes: &mut [Node], locale: &Locale) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, expr) => {
                if let Some(text) = constant(expr, locale) {
                    *node = Node::Text(text);
                }
            }
            Node::MacroDefinition(_, m, _) => fold_nodes(&mut m.body, locale),
            Node::FilterSection(_, f, _) => fold_nodes(&mut f.body, locale),
            Node::Block(_, b, _) => fold_nodes(&mut b.body, locale),
            Node::Forloop(_, f, _) => {
                fold_nodes(&mut f.body, locale);
                if let Some(empty) = &mut f.empty_body {
                    fold_nodes(empty, locale);
                }
            }
            Node::If(i, _) => {
                i.conditions.iter_mut().for_each(|(_, _, body)| fold_nodes(body, locale));
                if let Some((_, body)) = &mut i.otherwise {
                    fold_nodes(body, locale);
                }
            }
            _ => {}
        }
    }
}

/// What `expr` always writes, if it is a call of `t` or `t_html` with literal arguments
/// whose text is the same escaped or not.
fn constant(expr: &Expr, locale: &Locale) -> Option<String> {
    let ExprVal::FunctionCall(call) = &expr.val else { return None };
    let html = match call.name.as_str() {
        "t" => false,
        "t_html" => true,
        _ => return None,
    };
    let safe = match expr.filters.as_slice() {
        [] => false,
        [f] if f.name == "safe" && f.args.is_empty() => true,
        _ => return None,
    };
    if expr.negated {
        return None;
    }
    let mut args = HashMap::new();
    for (name, e) in &call.args {
        let value = match &e.val {
            _ if e.negated || !e.filters.is_empty() => return None,
            ExprVal::String(s) => Value::String(s.clone()),
            ExprVal::Int(n) => Value::from(*n),
            ExprVal::Bool(b) => Value::Bool(*b),
            _ => return None,
        };
        args.insert(name.clone(), value);
    }
    let Ok(Value::String(out)) = text(locale, &args, html) else { return None };
    // The templates' escape is `escape` (`theme::compile`): a text it leaves alone reads
    // the same escaped or not.
    (safe || escape(&out) == out).then_some(out)
}

/// String `k` with the call's other arguments: `n` picks the plural form (and fills
/// `{n}`), every other argument fills `{name}`. With `html`, the string and its plain
/// arguments are escaped and those named `…_html` go in as they are.
fn text(locale: &Locale, args: &HashMap<String, Value>, html: bool) -> tera::Result<Value> {
    let key =
        args.get("k").and_then(Value::as_str).ok_or_else(|| tera::Error::msg("t: no string named: give k=\"…\""))?;
    let n = args.get("n").and_then(Value::as_i64);
    let mut values: Vec<(String, String)> = Vec::new();
    for (name, value) in args {
        if name == "k" || name == "n" {
            continue;
        }
        let shown = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match (html, name.strip_suffix("_html")) {
            (true, Some(bare)) => values.push((bare.to_string(), shown)),
            (true, None) => values.push((name.clone(), escape(&shown))),
            (false, _) => values.push((name.clone(), shown)),
        }
    }
    // A passage that is a quotation itself is not quoted again (see `already_quoted`).
    if key == "quote"
        && let Some((_, v)) = values.iter().find(|(name, _)| name == "text")
        && already_quoted(&if html { visible(v) } else { v.clone() })
    {
        return Ok(Value::String(v.clone()));
    }
    let Some(form) = locale.form(key, n) else {
        return Err(tera::Error::msg(format!("no string `{key}` in the locale tables")));
    };
    let template = if html { escape(form) } else { form.to_string() };
    let out = fill(&template, |name| {
        values.iter().find(|(v, _)| v == name).map(|(_, v)| v.clone()).or_else(|| count(name, n))
    });
    Ok(Value::String(out))
}

/// The text a reader sees of `html`: its tags left out, and the entities that stand for
/// quotation marks read.
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]);
    }
    out.push_str(rest);
    out.replace("&quot;", "\"").replace("&#34;", "\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each template renders the same bytes folded or not, escaped (`.html`) or not, in a
    /// macro called inside a `set` too; what can be folded is, and the rest is left.
    #[test]
    fn folding_changes_no_byte() {
        let locale = Arc::new(Locale::default());
        let macros = r#"{% macro m() %}[{{ t(k="skip-link") }}|{{ t(k="described") }}]{% endmacro m %}"#;
        let page = r#"{% import "macros.html" as x %}{{ t(k="skip-link") }} {{ t(k="described") }} {{ t(k="described") | safe }}
{{ t_html(k="quote", text_html="<b>a</b>") | safe }} {{ t_html(k="quote", text_html=v) | safe }} {{ t(k="skip-link") | upper }}
{% if v %}{{ t(k="footer-data") }}{% else %}{% for i in [1] %}{{ t(k="archived-copy") }}{% endfor %}{% endif %}
{{ x::m() }} {% set s = x::m() %}{{ s }} {{ not t(k="skip-link") }}"#;
        let make = |fold_too: bool| {
            let mut tera = Tera::default();
            tera.autoescape_on(vec![".html"]);
            tera.set_escape_fn(escape);
            let templates = [("macros.html", macros), ("page.html", page), ("page.txt", page)];
            tera.add_raw_templates(templates).expect("the templates parse");
            register(&mut tera, &locale);
            if fold_too {
                fold(&mut tera, &locale);
            }
            tera
        };
        let (plain, folded) = (make(false), make(true));
        let mut ctx = tera::Context::new();
        ctx.insert("v", "<i>");
        for name in ["page.html", "page.txt"] {
            let want = plain.render(name, &ctx).expect("renders");
            assert_eq!(folded.render(name, &ctx).expect("renders"), want, "{name}");
        }
        let texts = |t: &tera::Template| t.ast.iter().filter(|n| matches!(n, Node::VariableBlock(..))).count();
        // At the top level, left: `described` (it has an apostrophe) unless `safe`, the
        // call with a variable, the one with another filter, the macro call, the set's
        // value, the negated call.
        assert_eq!(texts(&plain.templates["page.html"]), 9);
        assert_eq!(texts(&folded.templates["page.html"]), 6);
    }

    /// A call that fails is left to fail where it is rendered, as it did.
    #[test]
    fn a_missing_string_is_not_folded() {
        let locale = Arc::new(Locale::default());
        let mut tera = Tera::default();
        tera.add_raw_template("a.html", r#"{{ t(k="no-such-string") }}"#).expect("parses");
        register(&mut tera, &locale);
        fold(&mut tera, &locale);
        assert!(tera.render("a.html", &tera::Context::new()).is_err());
    }

    /// A passage that is a quotation itself keeps its own marks and gets no others; any
    /// other is quoted in the locale's marks.
    #[test]
    fn a_quotation_is_not_quoted_again() {
        let locale = Arc::new(Locale::default());
        let mut tera = Tera::default();
        tera.add_raw_template("a.html", r#"{{ t_html(k="quote", text_html=v) | safe }}|{{ t(k="quote", text=w) }}"#)
            .expect("parses");
        register(&mut tera, &locale);
        let render = |v: &str, w: &str| {
            let mut ctx = tera::Context::new();
            ctx.insert("v", v);
            ctx.insert("w", w);
            tera.render("a.html", &ctx).expect("renders")
        };
        assert_eq!(
            render("<bdi>“It’s the sounder’s fault.”</bdi>", "«Oui»."),
            "<bdi>“It’s the sounder’s fault.”</bdi>|«Oui»."
        );
        assert_eq!(render("<bdi>&quot;No.&quot;</bdi>", "'tis"), "<bdi>&quot;No.&quot;</bdi>|“&#x27;tis”");
        assert_eq!(render("&quot;No,&quot; he said", "x"), "“&quot;No,&quot; he said”|“x”");
        assert_eq!(render("<bdi>he said “no”</bdi>", "“"), "“<bdi>he said “no”</bdi>”|““”");
    }
}

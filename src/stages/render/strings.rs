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

use tera::{Tera, Value};

use crate::model::date::Date;
use crate::model::locale::{Locale, count, fill};
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
    let Some(form) = locale.form(key, n) else {
        return Err(tera::Error::msg(format!("no string `{key}` in the locale tables")));
    };
    let template = if html { escape(form) } else { form.to_string() };
    let out = fill(&template, |name| {
        values.iter().find(|(v, _)| v == name).map(|(_, v)| v.clone()).or_else(|| count(name, n))
    });
    Ok(Value::String(out))
}

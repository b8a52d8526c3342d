//! Names read by flat names: `{{ a.title }}` in `parts/article-item.html` becomes a lookup
//! of the context's top-level name `a␟title`, and the item's fields are put in the context
//! under those names, only those the part reads ([`flatten`], [`context`]). The same for
//! the structs every page's context holds, in every template at once: `site`, `page`,
//! `claim` ([`globals`], [`page`]). Nothing a template writes changes.
//!
//! Why: Tera 1.20 looks up a dotted name in the page's context by copying the name's root
//! and each segment through two `str::replace` calls (four allocations for `a.title`),
//! then walking the JSON tree; a name without a dot is one map lookup. A page reads 20 to
//! 40 such names, a front page's item 20; at 1,000 markdown articles these lookups were
//! 18% of a fresh build's instructions, and turning each whole struct into a value tree
//! for a few of its fields more (`docs/performance.md`, session 34). Tera is fixed by the
//! design card, and patching it would be third-party code; its parsed templates are
//! public, as [`super::strings::fold`] already uses.
//!
//! A part is rewritten only where the result cannot differ: the item is read through a
//! named field everywhere (never whole, as in `m::byline(article=a)` or `{% set x = a %}`,
//! nor `a.0`, nor inside `[…]`), never bound again (`set`, `for`), with no block, macro,
//! `include` or `extends` of its own, no `__tera_context`, no other template including
//! it, and no macro it can call, at any depth, reading the item's name from the context
//! or taking an argument of that name (a field the argument lacks is looked up in the
//! context). A page's name is rewritten in every template, so blocks, parents, includes
//! and macros agree, under the same rules in all of them (no macro anywhere taking an
//! argument of that name). Otherwise names are left as they are, and read as before.

use std::collections::HashSet;

use serde::Serialize;
use serde::ser::{self, Impossible};
use tera::ast::{Expr, ExprVal, Node};
use tera::{Context, Tera};

/// What joins an item's name to its field in a flat name: a control character, which no
/// template can write in a name (Tera's names are letters, digits and `_`), so a flat
/// name never meets one of the template's own, and a message naming one reads as the
/// template wrote it once it is put back as a dot ([`unflatten`]).
pub const SEP: char = '\u{1f}';

/// Rewrites each `var.field…` of the part `template` as a flat name, if that is safe (see
/// the module's doc): the fields it reads, by name, or `None`, left as it was.
pub fn flatten(tera: &mut Tera, template: &str, var: &str) -> Option<Vec<String>> {
    if !safe(tera, template, var) {
        return None;
    }
    let t = tera.templates.get_mut(template)?;
    let (prefix, mut read) = (format!("{var}."), Vec::new());
    visit(&mut t.ast, &mut |seen| {
        if let Seen::Name(name) = seen {
            rename(name, &prefix, var, &mut read);
        }
    });
    Some(read)
}

/// Rewrites `name.field…` as a flat name in every template, for each of `names` that no
/// template reads whole, binds (`set`, `for`, a macro's argument) or reads with `[…]`, with
/// no `__tera_context` anywhere: a page's `site` and `page`, read about fifteen times on
/// each page. Since every template is rewritten, blocks, parents, includes and macros
/// read the same flat names. Gives each name rewritten, with the fields read.
pub fn globals(tera: &mut Tera, names: &[&'static str]) -> Vec<(&'static str, Vec<String>)> {
    let mut done = Vec::new();
    for &var in names {
        let mut ok = true;
        for t in tera.templates.values_mut() {
            each_body(t, &mut |seen| match seen {
                Seen::Name(n) => ok &= fits(n, var),
                Seen::Bound(n) => ok &= n != var,
                Seen::Elsewhere | Seen::Includes(_) | Seen::Call(..) => {}
            });
        }
        if !ok {
            continue;
        }
        let (prefix, mut read) = (format!("{var}."), Vec::new());
        for t in tera.templates.values_mut() {
            each_body(t, &mut |seen| {
                if let Seen::Name(name) = seen {
                    rename(name, &prefix, var, &mut read);
                }
            });
        }
        // A name no template reads is left to whoever reads it: nobody.
        if !read.is_empty() {
            done.push((var, read));
        }
    }
    done
}

/// Whether the name `n` either does not read `var` or reads it through a named field
/// (`var.title`, not `var`, `var.0`, `var[k]`, `x[var.k]`), and is no `__tera_context`.
fn fits(n: &str, var: &str) -> bool {
    if n.starts_with("__tera_context") {
        return false;
    }
    if n.contains('[') {
        // Tera reads the names inside brackets at render time: any mention is a read.
        return !n.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == var);
    }
    let Some(rest) = n.strip_prefix(var) else { return true };
    match rest.strip_prefix('.') {
        Some(field) => field.split('.').next().is_some_and(|f| !f.is_empty() && !f.bytes().all(|b| b.is_ascii_digit())),
        // Another name that starts the same (`site_title`), or `var` whole.
        None => !rest.is_empty(),
    }
}

/// `var.rest` as the flat name `var␟rest`, its field added to `read`.
fn rename(name: &mut String, prefix: &str, var: &str, read: &mut Vec<String>) {
    if let Some(rest) = name.strip_prefix(prefix) {
        let field = rest.split('.').next().unwrap_or(rest);
        if !read.iter().any(|r| r == field) {
            read.push(field.to_string());
        }
        *name = format!("{var}{SEP}{rest}");
    }
}

/// Visits all of `t` that is rendered: its tree, its blocks as defined along its parents,
/// its macros (their arguments as bound names: a macro's argument named like a flattened
/// name would hide it only in part, since a field the argument lacks is looked up in the
/// page's context).
fn each_body(t: &mut tera::Template, f: &mut dyn FnMut(Seen)) {
    // The tree holds the macros' definitions too: rendered from `t.macros`, they are
    // checked and rewritten there.
    visit_outside_macros(&mut t.ast, f);
    t.blocks.values_mut().for_each(|b| visit(&mut b.body, f));
    t.blocks_definitions.values_mut().flatten().for_each(|(_, b)| visit(&mut b.body, f));
    for m in t.macros.values_mut() {
        m.args.keys().for_each(|a| f(Seen::Bound(a)));
        m.args.values_mut().flatten().for_each(|e| expr(e, f));
        visit(&mut m.body, f);
    }
}

/// [`visit`], but not into macros' definitions.
fn visit_outside_macros(nodes: &mut [Node], f: &mut dyn FnMut(Seen)) {
    for node in nodes {
        if !matches!(node, Node::MacroDefinition(..)) {
            visit(std::slice::from_mut(node), f);
        }
    }
}

/// Puts the fields of `value` that are `read` into `into` by their flat names, copied.
pub fn spread(
    var: &str,
    read: &[String],
    value: &serde_json::Value,
    into: &mut serde_json::Map<String, serde_json::Value>,
) {
    if let serde_json::Value::Object(fields) = value {
        for field in read {
            if let Some(v) = fields.get(field) {
                into.insert(flat_name(var, field), v.clone());
            }
        }
    }
}

/// [`spread`], moving the fields out of `value`.
pub fn spread_owned(
    var: &str,
    read: &[String],
    value: serde_json::Value,
    into: &mut serde_json::Map<String, serde_json::Value>,
) {
    if let serde_json::Value::Object(mut fields) = value {
        for field in read {
            if let Some(v) = fields.remove(field) {
                into.insert(flat_name(var, field), v);
            }
        }
    }
}

/// The fields of `item` that are `read`, by their flat names; `None` if it is no struct.
pub fn pick(var: &str, read: &[String], item: &impl Serialize) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut fields = serde_json::Map::new();
    item.serialize(&mut Pick { how: How::Item { var, read }, fields: &mut fields }).ok().map(|()| fields)
}

/// A page's own context made from `value`, a struct, its fields that are names in
/// `globals` spread into the fields the templates read, by their flat names.
pub fn page(value: &impl Serialize, globals: &[(&'static str, Vec<String>)]) -> Context {
    let mut fields = serde_json::Map::new();
    match value.serialize(&mut Pick { how: How::Page { globals }, fields: &mut fields }) {
        Ok(()) => Context::from_value(serde_json::Value::Object(fields)).unwrap_or_default(),
        Err(_) => Context::from_serialize(value).unwrap_or_default(),
    }
}

/// A flattened part's context: the fields of `item` that the part reads (`read`, from
/// [`flatten`]), each under its flat name, and `root`. Only those are made into template
/// values: a front page's article item reads 10 of its reference's 17 fields.
pub fn context(var: &str, read: &[String], item: &impl Serialize, root: &str) -> tera::Result<Context> {
    let fields = match pick(var, read, item) {
        Some(fields) => fields,
        // Not a struct (no part's item is one): every field, from its value.
        None => match serde_json::to_value(item)? {
            serde_json::Value::Object(all) => all.into_iter().map(|(k, v)| (flat_name(var, &k), v)).collect(),
            other => {
                let mut ctx = Context::new();
                ctx.insert(var, &other);
                ctx.insert("root", root);
                return Ok(ctx);
            }
        },
    };
    let mut ctx = Context::from_value(serde_json::Value::Object(fields))?;
    ctx.insert("root", root);
    Ok(ctx)
}

fn flat_name(var: &str, field: &str) -> String {
    let mut name = String::with_capacity(var.len() + 1 + field.len());
    name.push_str(var);
    name.push(SEP);
    name.push_str(field);
    name
}

/// A message about a flat name, as the template wrote the name.
pub fn unflatten(message: &str) -> String {
    message.replace(SEP, ".")
}

/// What [`visit`] meets in a template.
enum Seen<'n> {
    /// A name read: a variable, a test's subject.
    Name(&'n mut String),
    /// A name given a value: `set`, `for`, a macro's argument.
    Bound(&'n str),
    /// What reads the context out of this template's sight: `extends`, a block (rendered
    /// from its definitions, not from the tree), `super()`.
    Elsewhere,
    /// An `include` of these templates.
    Includes(&'n [String]),
    /// A call of a macro: its namespace and name.
    Call(&'n str, &'n str),
}

/// Whether `template`'s `var` can be read by flat names.
fn safe(tera: &mut Tera, template: &str, var: &str) -> bool {
    // No other template renders the part's tree (an `include`, a theme's `index.html` that
    // loops over its lists as data): it would give the item whole.
    let mut alone = true;
    for t in tera.templates.values_mut() {
        alone &= !t.parents.iter().any(|p| p == template);
        each_body(t, &mut |seen| {
            if let Seen::Includes(names) = seen {
                alone &= !names.iter().any(|n| n == template);
            }
        });
    }
    let Some(t) = tera.templates.get_mut(template) else { return false };
    if !alone || !t.parents.is_empty() || !t.blocks.is_empty() || !t.macros.is_empty() {
        return false;
    }
    let (mut ok, mut calls) = (true, Vec::new());
    visit(&mut t.ast, &mut |seen| match seen {
        Seen::Name(n) => ok &= fits(n, var),
        Seen::Bound(n) => ok &= n != var,
        Seen::Elsewhere | Seen::Includes(_) => ok = false,
        Seen::Call(ns, name) => calls.push((ns.to_string(), name.to_string())),
    });
    ok && macros_leave(tera, template, calls, var)
}

/// Whether no macro that the part `template` calls, at any depth (`calls`, by namespace
/// and name), reads `var` from the page's context or takes an argument of that name (a
/// field the argument lacks is looked up in the context).
fn macros_leave(tera: &mut Tera, template: &str, calls: Vec<(String, String)>, var: &str) -> bool {
    let mut todo = vec![(template.to_string(), calls)];
    let mut seen = HashSet::new();
    while let Some((from, calls)) = todo.pop() {
        for (ns, name) in calls {
            let imports = tera.templates.get(&from).map(|t| &t.imported_macro_files);
            let file = match ns.as_str() {
                "self" => Some(from.clone()),
                _ => imports.and_then(|i| i.iter().find(|(_, n)| *n == ns)).map(|(f, _)| f.clone()),
            };
            // A macro Tera cannot find fails the render, flattened or not.
            let Some(file) = file else { continue };
            if !seen.insert((file.clone(), name.clone())) {
                continue;
            }
            let Some(m) = tera.templates.get_mut(&file).and_then(|t| t.macros.get_mut(&name)) else { continue };
            let (mut ok, mut next) = (!m.args.contains_key(var), Vec::new());
            visit(&mut m.body, &mut |seen| match seen {
                Seen::Name(n) => ok &= root(n) != var && fits(n, var),
                Seen::Bound(n) => ok &= n != var,
                Seen::Elsewhere | Seen::Includes(_) => ok = false,
                Seen::Call(ns, name) => next.push((ns.to_string(), name.to_string())),
            });
            if !ok {
                return false;
            }
            todo.push((file, next));
        }
    }
    true
}

/// The variable a name starts from: `a` of `a.b[c]`.
fn root(name: &str) -> &str {
    name.split(['.', '[']).next().unwrap_or(name)
}

/// Calls `f` on every name read or bound in `nodes`, and on what reads the context
/// elsewhere.
fn visit(nodes: &mut [Node], f: &mut dyn FnMut(Seen)) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, e) => expr(e, f),
            Node::Set(_, s) => {
                f(Seen::Bound(&s.key));
                expr(&mut s.value, f);
            }
            Node::MacroDefinition(_, m, _) => {
                m.args.keys().for_each(|a| f(Seen::Bound(a)));
                m.args.values_mut().flatten().for_each(|e| expr(e, f));
                visit(&mut m.body, f);
            }
            Node::FilterSection(_, s, _) => {
                s.filter.args.values_mut().for_each(|e| expr(e, f));
                visit(&mut s.body, f);
            }
            Node::Forloop(_, l, _) => {
                l.key.iter().for_each(|k| f(Seen::Bound(k)));
                f(Seen::Bound(&l.value));
                expr(&mut l.container, f);
                visit(&mut l.body, f);
                l.empty_body.iter_mut().for_each(|b| visit(b, f));
            }
            Node::If(i, _) => {
                for (_, cond, body) in &mut i.conditions {
                    expr(cond, f);
                    visit(body, f);
                }
                i.otherwise.iter_mut().for_each(|(_, body)| visit(body, f));
            }
            Node::Block(_, b, _) => {
                f(Seen::Elsewhere);
                visit(&mut b.body, f);
            }
            Node::Include(_, names, _) => f(Seen::Includes(names)),
            Node::Super | Node::Extends(..) => f(Seen::Elsewhere),
            Node::Text(_)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn expr(e: &mut Expr, f: &mut dyn FnMut(Seen)) {
    value(&mut e.val, f);
    e.filters.iter_mut().flat_map(|c| c.args.values_mut()).for_each(|a| expr(a, f));
}

fn value(v: &mut ExprVal, f: &mut dyn FnMut(Seen)) {
    match v {
        ExprVal::Ident(name) => f(Seen::Name(name)),
        ExprVal::Math(m) => {
            expr(&mut m.lhs, f);
            expr(&mut m.rhs, f);
        }
        ExprVal::Logic(l) => {
            expr(&mut l.lhs, f);
            expr(&mut l.rhs, f);
        }
        ExprVal::In(i) => {
            expr(&mut i.lhs, f);
            expr(&mut i.rhs, f);
        }
        ExprVal::Test(t) => {
            f(Seen::Name(&mut t.ident));
            t.args.iter_mut().for_each(|a| expr(a, f));
        }
        ExprVal::MacroCall(m) => {
            f(Seen::Call(&m.namespace, &m.name));
            m.args.values_mut().for_each(|a| expr(a, f));
        }
        ExprVal::FunctionCall(c) => c.args.values_mut().for_each(|a| expr(a, f)),
        ExprVal::Array(items) => items.iter_mut().for_each(|a| expr(a, f)),
        ExprVal::StringConcat(s) => s.values.iter_mut().for_each(|v| value(v, f)),
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
    }
}

/// A serializer that puts a struct's fields into a context's values, and refuses anything
/// but a struct (or one in `Some`).
struct Pick<'p> {
    how: How<'p>,
    fields: &'p mut serde_json::Map<String, serde_json::Value>,
}

/// Which fields [`Pick`] takes, and by which names.
#[derive(Clone, Copy)]
enum How<'p> {
    /// An item `var`'s fields that are `read`, by their flat names.
    Item { var: &'p str, read: &'p [String] },
    /// A page's every field; those that are flattened names (`globals`) spread into the
    /// fields the templates read.
    Page { globals: &'p [(&'static str, Vec<String>)] },
}

/// Why [`Pick`] refused: the item is not a struct.
type NotAStruct = serde_json::Error;

fn refuse<T>() -> Result<T, NotAStruct> {
    Err(ser::Error::custom("not a struct"))
}

impl ser::SerializeStruct for &mut Pick<'_> {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), NotAStruct> {
        match self.how {
            How::Item { var, read } => {
                if read.iter().any(|r| r == key) {
                    self.fields.insert(flat_name(var, key), serde_json::to_value(value)?);
                }
            }
            How::Page { globals } => match globals.iter().find(|(g, _)| *g == key) {
                Some((var, read)) => {
                    let how = How::Item { var, read };
                    let whole = match value.serialize(&mut Pick { how, fields: self.fields }) {
                        // Its name marks the page's own value, which wins over a shared one
                        // (`Renderer::complete`) as it did whole.
                        Ok(()) => serde_json::Value::Null,
                        // No struct (`None`, most likely): kept whole, spread by `complete`.
                        Err(_) => serde_json::to_value(value)?,
                    };
                    self.fields.insert(key.to_string(), whole);
                }
                None => drop(self.fields.insert(key.to_string(), serde_json::to_value(value)?)),
            },
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

/// Every method but `serialize_struct` refuses.
macro_rules! refuse {
    ($($name:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ok, NotAStruct> { refuse() })*
    };
}

impl<'a, 'p> ser::Serializer for &'a mut Pick<'p> {
    type Ok = ();
    type Error = NotAStruct;
    type SerializeSeq = Impossible<(), NotAStruct>;
    type SerializeTuple = Impossible<(), NotAStruct>;
    type SerializeTupleStruct = Impossible<(), NotAStruct>;
    type SerializeTupleVariant = Impossible<(), NotAStruct>;
    type SerializeMap = Impossible<(), NotAStruct>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotAStruct>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotAStruct> {
        Ok(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), NotAStruct> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<(), NotAStruct> {
        refuse()
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotAStruct> {
        refuse()
    }

    refuse! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::stages::load::theme;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates(templates.iter().copied()).expect("the templates parse");
        tera
    }

    /// The built-in theme's every part is read by flat names: a part that hands its item
    /// whole to a macro (`m::byline(article=a)`) would lose that, and this test says so.
    #[test]
    fn the_built_in_parts_are_read_by_flat_names() {
        let (theme, diags) = theme::load(Path::new("/nonexistent-site"), "default");
        let theme = theme.unwrap_or_else(|| panic!("the built-in theme loads: {diags:?}"));
        let mut tera = theme::compile(&theme, &[]).expect("the built-in theme compiles");
        let globals: Vec<&str> = globals(&mut tera, &super::super::GLOBALS).iter().map(|(g, _)| *g).collect();
        assert_eq!(globals, super::super::GLOBALS, "the pages' structs read by flat names");
        for p in super::super::PARTS {
            assert!(flatten(&mut tera, p.template, p.var).is_some(), "{} is not read by flat names", p.template);
        }
    }

    #[derive(Serialize)]
    struct Site {
        title: &'static str,
        unread: u8,
    }

    #[derive(Serialize)]
    struct Page {
        site: Site,
        page: Option<Site>,
        other: Site,
    }

    /// Pages whose `site` is read by flat names write the same bytes, through a parent's
    /// blocks, an include, a macro that reads the page's `site` and one whose argument is
    /// named `site`; `page`, in `Some`, too.
    #[test]
    fn pages_read_by_flat_names_write_the_same_bytes() {
        let templates = [
            (
                "base.html",
                "{% import \"macros.html\" as m %}<{% block b %}{{ site.title }}{% endblock b %}|{% include \"inc.html\" %}>",
            ),
            ("inc.html", "{{ page.title }}{% if site.unread is defined %}!{% endif %}"),
            (
                "macros.html",
                "{% macro free() %}{{ site.title }}{% endmacro free %}{% macro own(x) %}{{ x.title }}{% endmacro own %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% import \"macros.html\" as m %}{% block b %}{{ super() }}{{ m::free() }}{{ m::own(x=other) }}{{ site.title | upper }}{% endblock b %}",
            ),
        ];
        let value = Page {
            site: Site { title: "<s>", unread: 1 },
            page: Some(Site { title: "p", unread: 2 }),
            other: Site { title: "o", unread: 3 },
        };
        let plain = tera(&templates);
        let mut flat = tera(&templates);
        let done = globals(&mut flat, &["site", "page", "other"]);
        // `other` is handed whole to a macro.
        assert_eq!(done.iter().map(|(g, _)| *g).collect::<Vec<_>>(), ["site", "page"]);
        let want = plain.render("page.html", &Context::from_serialize(&value).unwrap()).expect("renders");
        let got = flat.render("page.html", &page(&value, &done)).expect("renders");
        assert_eq!(got, want);
        assert_eq!(want, "<&lt;s&gt;&lt;s&gt;o&lt;S&gt;|p!>");
    }

    /// A page's own value of a flattened name is marked by the name, so that it hides the
    /// shared one (`Renderer::complete`) as it did whole: in `Some` or not.
    #[test]
    fn a_page_own_value_of_a_name_marks_it() {
        #[derive(Serialize)]
        struct Own {
            page: Option<Site>,
        }
        let g = vec![("page", vec!["title".to_string()])];
        let none = page(&Own { page: None }, &g);
        assert_eq!(none.get("page"), Some(&serde_json::Value::Null));
        assert!(none.get("page\u{1f}title").is_none());
        let some = page(&Own { page: Some(Site { title: "t", unread: 0 }) }, &g);
        assert!(some.contains_key("page"));
        assert_eq!(some.get("page\u{1f}title"), Some(&serde_json::json!("t")));
        assert!(some.get("page\u{1f}unread").is_none());
    }

    /// A page's name read otherwise than through a field, anywhere, is left whole.
    #[test]
    fn a_page_name_read_otherwise_is_left() {
        for page in [
            "{% if site %}x{% endif %}",
            "{% set site = 1 %}",
            "{% for site in xs %}{% endfor %}",
            "{{ site[\"title\"] }}",
            "{{ __tera_context }}",
        ] {
            let mut t = tera(&[("a.html", "{{ site.title }}"), ("b.html", page)]);
            assert!(globals(&mut t, &["site"]).is_empty(), "flattened beside {page}");
        }
    }

    /// A part read by flat names writes the same bytes as one read through its item, with
    /// its names in tests, filters, functions' and macros' arguments, loops, concatenation.
    #[test]
    fn flat_names_write_the_same_bytes() {
        let macros = "{% macro f(v, b) %}[{{ v }}|{{ b.title }}]{% endmacro f %}";
        let part = r#"{% import "macros.html" as m -%}
{{ a.title }} {% if a.x is defined %}x{% endif %}{% if a.title is defined %}t{% endif %} {{ a.n + 1 }} {{ m::f(v=a.title, b=a.inner) }}
{{ "<" ~ a.title ~ ">" }} {% for i in a.list %}{{ i }},{% endfor %} {{ a.inner.title }} {{ a.title | upper }} {{ a.missing | default(value="-") }}
{% if a.n > 1 and a.title %}{{ root }}{% endif %} {{ a.inner | json_encode() }} {% set n = a.n %}{{ n }}"#;
        let item = serde_json::json!({"title": "<b>", "n": 2, "list": [1, 2], "inner": {"title": "in"}});
        let plain = tera(&[("macros.html", macros), ("part.html", part)]);
        let mut flat = tera(&[("macros.html", macros), ("part.html", part)]);
        let read = flatten(&mut flat, "part.html", "a").expect("flattened");
        assert_eq!(read, ["title", "x", "n", "inner", "list", "missing"]);
        let mut ctx = Context::new();
        ctx.insert("a", &item);
        ctx.insert("root", "../");
        let want = plain.render("part.html", &ctx).expect("renders");
        let got = flat.render("part.html", &context("a", &read, &item, "../").expect("a context")).expect("renders");
        assert_eq!(got, want);
        assert!(want.contains("&lt;b&gt; t 3 [&lt;b&gt;|in]"), "{want}");
    }

    /// Every way a part can read its item other than through a field, or leave the
    /// template's sight, keeps it as it is.
    #[test]
    fn a_part_that_reads_its_item_otherwise_is_left() {
        let free = "{% macro g() %}{{ a.title }}{% endmacro g %}";
        let calls = "{% import \"macros.html\" as m %}{% macro deeper() %}{{ m::h(a=1) }}{% endmacro deeper %}";
        let own = "{% macro h(a) %}{{ a.title }}{% endmacro h %}";
        let left = [
            "{{ a }}",
            "{{ m::h(a=a) }}",
            "{% set a = 1 %}{{ a.title }}",
            "{% for a in xs %}{{ a.title }}{% endfor %}",
            "{% for k, a in xs %}{{ a.title }}{% endfor %}",
            "{{ a[\"title\"] }}",
            "{{ a.list[0] }}",
            "{% include \"macros.html\" %}{{ a.title }}",
            "{% block b %}{{ a.title }}{% endblock b %}",
            "{{ __tera_context }}",
            "{% import \"free.html\" as f %}{{ f::g() }}{{ a.title }}",
            "{% macro k() %}{{ a.title }}{% endmacro k %}{{ a.title }}",
            "{{ labels[a.kind] }}",
            "{{ a.0 }}",
            "{{ m::h(a=a.inner) }}",
            "{% import \"calls.html\" as c %}{{ c::deeper() }}",
        ];
        for part in left {
            let text = format!("{{% import \"macros.html\" as m %}}{part}");
            let mut t = tera(&[("macros.html", own), ("free.html", free), ("calls.html", calls), ("part.html", &text)]);
            assert!(flatten(&mut t, "part.html", "a").is_none(), "flattened: {part}");
        }
        // A macro with an argument named like the item, never called, is no matter.
        let mut t = tera(&[("macros.html", own), ("part.html", "{% import \"macros.html\" as m %}{{ a.title }}")]);
        assert!(flatten(&mut t, "part.html", "a").is_some());
        // A part that another template includes is rendered there with its item whole.
        let list = "{% for a in xs %}{% include \"part.html\" %}{% endfor %}";
        let mut t = tera(&[("part.html", "{{ a.title }}"), ("list.html", list)]);
        assert!(flatten(&mut t, "part.html", "a").is_none());
    }

    /// A missing field is named as the template wrote it.
    #[test]
    fn a_missing_field_is_named_as_written() {
        let mut t = tera(&[("part.html", "{{ a.titel }}")]);
        let read = flatten(&mut t, "part.html", "a").expect("flattened");
        let e = t.render("part.html", &context("a", &read, &serde_json::json!({"title": 1}), "").unwrap()).unwrap_err();
        let cause = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
        assert_eq!(unflatten(&cause), "Variable `a.titel` not found in context while rendering 'part.html'");
    }
}

//! The built-in theme's templates, parsed ahead of time.
//!
//! Tera parses a template at about 200 ns a byte (pest, character by character): the
//! default theme's 33 KB took 5.4 ms of CPU, the largest single cost of the repository's
//! fresh 12 ms build, and the render waited for it. Most sites use those templates as they
//! are, so their parse is kept in the binary: `templates.ast` holds each built-in
//! template's syntax tree in a compact form, under a hash of the text it was parsed from,
//! and [`lookup`] hands back the tree for a template whose text has that hash. A template
//! a theme or site changes has another hash and is parsed as before; so is a built-in one
//! edited since `templates.ast` was written, which is then slower, never wrong. The test
//! `parsed_templates_match_tera` fails while the file is stale (`BLESS=1` rewrites it).
//!
//! The format is private to this file: varint lengths and tags, strings as bytes. A file
//! that does not decode (it cannot, short of a bad edit) gives `None`, and the template is
//! parsed.

use std::collections::HashMap;

use tera::Template;
use tera::ast::{
    Block, Expr, ExprVal, FilterSection, Forloop, FunctionCall, If, In, LogicExpr, LogicOperator, MacroCall,
    MacroDefinition, MathExpr, MathOperator, Node, Set, StringConcat, Test, WS,
};

/// The built-in templates' trees: for each, the hash of its text and its encoded tree.
const PARSED: &[u8] = include_bytes!("templates.ast");

/// The tree of the template `name`, when `text` is that of a template parsed ahead of
/// time; `None` otherwise (parse it).
pub fn lookup(name: &str, text: &str) -> Option<Template> {
    let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    let mut r = Reader { bytes: PARSED, at: 0 };
    for _ in 0..r.len()? {
        let (key, size) = (r.u64()?, r.len()?);
        if key != hash {
            r.at = r.at.checked_add(size)?;
            continue;
        }
        let ast = Vec::<Node>::get(&mut Reader { bytes: r.bytes.get(r.at..r.at.checked_add(size)?)?, at: 0 })?;
        return Some(template(name, ast));
    }
    None
}

/// `texts` parsed by Tera and encoded as [`PARSED`] is; the first parse error, if any.
pub fn encode(texts: &[&str]) -> tera::Result<Vec<u8>> {
    let mut out = Vec::new();
    put_len(&mut out, texts.len());
    for text in texts {
        let parsed = Template::new("", None, text)?;
        let mut tree = Vec::new();
        parsed.ast.put(&mut tree);
        out.extend(xxhash_rust::xxh3::xxh3_64(text.as_bytes()).to_le_bytes());
        put_len(&mut out, tree.len());
        out.extend(tree);
    }
    Ok(out)
}

/// A template from its tree, with what Tera's `Template::new` finds in it: its blocks
/// (nested ones too), its macros, the macro files it imports and its parent.
fn template(name: &str, ast: Vec<Node>) -> Template {
    fn blocks(ast: &[Node], found: &mut HashMap<String, Block>) {
        for node in ast {
            if let Node::Block(_, block, _) = node {
                found.insert(block.name.clone(), block.clone());
                blocks(&block.body, found);
            }
        }
    }
    let mut t = Template::new(name, None, "").expect("an empty template parses");
    blocks(&ast, &mut t.blocks);
    for node in &ast {
        match node {
            Node::Extends(_, parent) => t.parent = Some(parent.clone()),
            Node::MacroDefinition(_, m, _) => {
                t.macros.insert(m.name.clone(), m.clone());
            }
            Node::ImportMacro(_, file, namespace) => t.imported_macro_files.push((file.clone(), namespace.clone())),
            _ => {}
        }
    }
    t.ast = ast;
    t
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads what [`Tree::put`] wrote.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn len(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn u64(&mut self) -> Option<u64> {
        let end = self.at.checked_add(8)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }
}

/// A part of a syntax tree, written and read back.
trait Tree: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn get(r: &mut Reader<'_>) -> Option<Self>;
}

impl Tree for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        match r.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Tree for String {
    fn put(&self, out: &mut Vec<u8>) {
        put_len(out, self.len());
        out.extend(self.as_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let len = r.len()?;
        let end = r.at.checked_add(len)?;
        let s = std::str::from_utf8(r.bytes.get(r.at..end)?).ok()?.to_string();
        r.at = end;
        Some(s)
    }
}

impl<T: Tree> Tree for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        put_len(out, self.len());
        self.iter().for_each(|t| t.put(out));
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let len = r.len()?;
        // Never trust a length to reserve: each item takes a byte at least.
        let mut v = Vec::with_capacity(len.min(r.bytes.len() - r.at));
        for _ in 0..len {
            v.push(T::get(r)?);
        }
        Some(v)
    }
}

impl<T: Tree> Tree for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.is_some().put(out);
        if let Some(t) = self {
            t.put(out);
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(if bool::get(r)? { Some(T::get(r)?) } else { None })
    }
}

impl<A: Tree, B: Tree> Tree for (A, B) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?))
    }
}

impl<A: Tree, B: Tree, C: Tree> Tree for (A, B, C) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
        self.2.put(out);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?, C::get(r)?))
    }
}

/// Maps are written in key order, so that the file is the same on every run.
impl<T: Tree> Tree for HashMap<String, T> {
    fn put(&self, out: &mut Vec<u8>) {
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        put_len(out, entries.len());
        for (k, v) in entries {
            k.put(out);
            v.put(out);
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        Some(Vec::<(String, T)>::get(r)?.into_iter().collect())
    }
}

/// A struct as its fields, in order.
macro_rules! fields {
    ($t:ident { $($f:ident),* }) => {
        impl Tree for $t {
            fn put(&self, out: &mut Vec<u8>) {
                $(self.$f.put(out);)*
            }
            fn get(r: &mut Reader<'_>) -> Option<Self> {
                Some($t { $($f: Tree::get(r)?),* })
            }
        }
    };
}

fields!(WS { left, right });
fields!(FunctionCall { name, args });
fields!(MathExpr { lhs, rhs, operator });
fields!(LogicExpr { lhs, rhs, operator });
fields!(StringConcat { values });
fields!(In { lhs, rhs, negated });
fields!(Expr { val, negated, filters });
fields!(Test { ident, negated, name, args });
fields!(FilterSection { filter, body });
fields!(Set { key, value, global });
fields!(MacroCall { namespace, name, args });
fields!(MacroDefinition { name, args, body });
fields!(Block { name, body });
fields!(Forloop { key, value, container, body, empty_body });
fields!(If { conditions, otherwise });

impl<T: Tree> Tree for Box<T> {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        T::get(r).map(Box::new)
    }
}

/// An enum of unit variants as one byte.
macro_rules! units {
    ($t:ident { $($v:ident),* }) => {
        impl Tree for $t {
            fn put(&self, out: &mut Vec<u8>) {
                const ALL: &[$t] = &[$($t::$v),*];
                out.push(ALL.iter().position(|v| v == self).unwrap_or_default() as u8);
            }
            fn get(r: &mut Reader<'_>) -> Option<Self> {
                const ALL: &[$t] = &[$($t::$v),*];
                ALL.get(usize::from(r.byte()?)).copied()
            }
        }
    };
}

units!(MathOperator { Add, Sub, Mul, Div, Modulo });
units!(LogicOperator { Gt, Gte, Lt, Lte, Eq, NotEq, And, Or });

/// An enum as a tag byte and its variant's fields: `tag => Variant(field, ...)`.
macro_rules! variants {
    ($t:ident { $($tag:literal => $v:ident $(( $($f:ident),* ))?),* $(,)? }) => {
        impl Tree for $t {
            fn put(&self, out: &mut Vec<u8>) {
                match self {
                    $($t::$v $(( $($f),* ))? => {
                        out.push($tag);
                        $($($f.put(out);)*)?
                    })*
                }
            }
            fn get(r: &mut Reader<'_>) -> Option<Self> {
                match r.byte()? {
                    $($tag => Some($t::$v $(( $(variants!(@get r $f)),* ))?),)*
                    _ => None,
                }
            }
        }
    };
    (@get $r:ident $f:ident) => { Tree::get($r)? };
}

variants!(ExprVal {
    0 => String(s),
    1 => Int(i),
    2 => Float(f),
    3 => Bool(b),
    4 => Ident(s),
    5 => Math(m),
    6 => Logic(l),
    7 => Test(t),
    8 => MacroCall(m),
    9 => FunctionCall(f),
    10 => Array(a),
    11 => StringConcat(s),
    12 => In(i),
});

variants!(Node {
    0 => Super,
    1 => Text(s),
    2 => VariableBlock(ws, e),
    3 => MacroDefinition(ws, m, ws2),
    4 => Extends(ws, s),
    5 => Include(ws, names, ignore),
    6 => ImportMacro(ws, file, namespace),
    7 => Set(ws, s),
    8 => Raw(ws, s, ws2),
    9 => FilterSection(ws, f, ws2),
    10 => Block(ws, b, ws2),
    11 => Forloop(ws, f, ws2),
    12 => If(i, ws),
    13 => Break(ws),
    14 => Continue(ws),
    15 => Comment(ws, s),
});

impl Tree for i64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.to_le_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        r.u64().map(|u| u as i64)
    }
}

impl Tree for f64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend(self.to_bits().to_le_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        r.u64().map(f64::from_bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::load::theme::BUILTIN;

    fn built_in() -> Vec<(&'static str, &'static str)> {
        BUILTIN.iter().filter_map(|(p, t)| Some((p.strip_prefix("templates/")?, *t))).collect()
    }

    /// Every built-in template is kept, and what is kept is what Tera parses today: its
    /// tree and everything found in it.
    #[test]
    fn parsed_templates_match_tera() {
        let texts: Vec<&str> = built_in().iter().map(|(_, t)| *t).collect();
        let fresh = encode(&texts).expect("the built-in templates parse");
        if std::env::var_os("BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/stages/load/templates.ast");
            std::fs::write(path, &fresh).unwrap();
            return;
        }
        let stale = "src/stages/load/templates.ast is stale: BLESS=1 cargo test --lib parsed_templates";
        assert!(PARSED == fresh.as_slice(), "{stale}");
        for (name, text) in built_in() {
            let (kept, parsed) = (lookup(name, text).expect(stale), Template::new(name, None, text).unwrap());
            assert_eq!(kept.ast, parsed.ast, "{name}");
            assert_eq!(kept.blocks, parsed.blocks, "{name}");
            assert_eq!(kept.macros, parsed.macros, "{name}");
            assert_eq!(kept.imported_macro_files, parsed.imported_macro_files, "{name}");
            assert_eq!((kept.parent, kept.name, kept.path), (parsed.parent, parsed.name, parsed.path), "{name}");
        }
    }

    /// A changed template is not found, and every tree's kind of node reads back as written.
    #[test]
    fn other_texts_are_parsed_and_every_node_round_trips() {
        assert!(lookup("index.html", "{{ title }}").is_none());
        let text = "{% extends \"base.html\" %}{% import \"macros.html\" as m %}{% block body %}{# c #}\
            {% set x = [1, 2.5, true, 'a' ~ b] | length %}{% set_global y = 0 - x * 2 % 3 / 4 - 1 + 1 %}\
            {% for k, v in items | sort(attribute=\"a\") %}{% if v is defined and not k in ['a'] or v >= 2 %}\
            {{ m::item(a=v) }}{% elif v != 1 %}{% break %}{% else %}{% continue %}{% endif %}{% else %}none{% endfor %}\
            {%- filter upper -%}{{ super() }}{% endfilter %}{% raw %}{{ x }}{% endraw %}\
            {% include [\"a.html\", \"b.html\"] ignore missing %}{{ f(x=1) }}{% endblock body %}\
            {% macro item(a, b=1) %}{{ a < b and a > 0 and a <= 1 }}{% endmacro item %}";
        let parsed = Template::new("t", None, text).unwrap();
        let mut out = Vec::new();
        parsed.ast.put(&mut out);
        let back = Vec::<Node>::get(&mut Reader { bytes: &out, at: 0 }).unwrap();
        assert_eq!(back, parsed.ast);
        let t = template("t", back);
        assert_eq!((t.blocks, t.macros, t.parent), (parsed.blocks, parsed.macros, parsed.parent));
        // Cut short anywhere, it does not decode.
        for cut in 0..out.len() {
            assert!(Vec::<Node>::get(&mut Reader { bytes: &out[..cut], at: 0 }).is_none_or(|v| v != parsed.ast));
        }
    }
}

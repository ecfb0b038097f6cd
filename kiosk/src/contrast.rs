//! Tests that every text the lobby screen draws stands out from what is
//! behind it by at least 7:1 (the WCAG 2 contrast ratio; 7:1 is the AAA level
//! for normal text): the elderly read these screens, in a bright hall.
//!
//! The pairs are not a hand-kept list. The scan reads every `.slint` file in
//! `kiosk/ui` and expands each component where it is used, from the window
//! down, so a `BigButton`'s title is checked on every `base` it is given. For
//! every `Text` it takes the colour and the backgrounds of the elements that
//! enclose it (a translucent fill is composited over what is beneath). Where a
//! colour depends on a condition (`touch.pressed ? … : …`), every combination
//! of the conditions involved is checked, so a pressed, disabled or chosen
//! state is a pair of its own; a condition written the same way in the same
//! place (a key's `base` and `ink` both on `Lobby.form-keyboard == 0`) counts
//! as one, so pairs that never meet are not reported. Colour literals outside
//! `theme.slint` are refused: the theme is the one table of colours. What the
//! scan does not understand (a colour it cannot trace, a `Text` without a
//! colour, a construct it cannot read) fails the test with its file and line
//! rather than being skipped. It is not a full Slint parser; it reads the
//! subset these files use and says so when that changes.
//!
//! What it assumes: a text's background is the nearest enclosing element with
//! a `background`, which is how the screens are built (nothing is drawn behind
//! a text that is not one of its ancestors).

use std::collections::{BTreeMap, BTreeSet};

/// The floor for every pair.
const MIN_RATIO: f64 = 7.0;

/// A colour, each channel 0–1.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Rgba {
    r: f64,
    g: f64,
    b: f64,
    a: f64,
}

impl Rgba {
    fn parse(hex: &str) -> Option<Self> {
        let digits = hex.strip_prefix('#')?;
        let nibble = |c: char| c.to_digit(16).map(f64::from);
        let chars: Vec<char> = digits.chars().collect();
        let channels: Vec<f64> = match chars.len() {
            3 | 4 => chars
                .iter()
                .map(|&c| nibble(c).map(|v| v * 17.0 / 255.0))
                .collect::<Option<_>>()?,
            6 | 8 => chars
                .chunks(2)
                .map(|p| Some((nibble(p[0])? * 16.0 + nibble(p[1])?) / 255.0))
                .collect::<Option<_>>()?,
            _ => return None,
        };
        Some(Self {
            r: channels[0],
            g: channels[1],
            b: channels[2],
            a: channels.get(3).copied().unwrap_or(1.0),
        })
    }

    /// This colour drawn over `below` (which is opaque).
    fn over(self, below: Rgba) -> Rgba {
        let mix = |top: f64, bottom: f64| top * self.a + bottom * (1.0 - self.a);
        Rgba {
            r: mix(self.r, below.r),
            g: mix(self.g, below.g),
            b: mix(self.b, below.b),
            a: 1.0,
        }
    }

    /// Relative luminance, as WCAG 2 defines it.
    fn luminance(self) -> f64 {
        let linear = |c: f64| {
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    fn hex(self) -> String {
        let byte = |c: f64| (c * 255.0).round() as u8;
        format!(
            "#{:02x}{:02x}{:02x}",
            byte(self.r),
            byte(self.g),
            byte(self.b)
        )
    }
}

/// The WCAG 2 contrast ratio of two opaque colours.
fn ratio(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Where something is written.
#[derive(Clone, Debug)]
struct Spot {
    file: String,
    line: usize,
}

impl std::fmt::Display for Spot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// An element as written: its type, bindings, declared properties and
/// children. A component's body is an element too.
#[derive(Clone, Debug, Default)]
struct Element {
    kind: String,
    bindings: BTreeMap<String, (String, usize)>,
    /// Declared properties: type and default expression.
    properties: BTreeMap<String, (String, Option<(String, usize)>)>,
    children: Vec<Element>,
    line: usize,
}

#[derive(Clone, Debug)]
struct Component {
    file: String,
    base: String,
    body: Element,
}

/// Reads the subset of the Slint language the lobby's files use.
struct Reader<'a> {
    file: &'a str,
    text: Vec<char>,
    pos: usize,
}

type Read<T> = Result<T, String>;

impl<'a> Reader<'a> {
    fn new(file: &'a str, source: &str) -> Self {
        Self {
            file,
            text: without_comments(source).chars().collect(),
            pos: 0,
        }
    }

    fn line(&self, pos: usize) -> usize {
        1 + self.text[..pos.min(self.text.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count()
    }

    fn fail<T>(&self, what: &str) -> Read<T> {
        Err(format!(
            "{}:{}: the contrast scan cannot read {what}",
            self.file,
            self.line(self.pos)
        ))
    }

    fn skip_space(&mut self) {
        while self.text.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.text.get(self.pos).copied()
    }

    fn starts(&mut self, s: &str) -> bool {
        self.skip_space();
        s.chars()
            .enumerate()
            .all(|(i, c)| self.text.get(self.pos + i) == Some(&c))
    }

    fn eat(&mut self, s: &str) -> Read<()> {
        if self.starts(s) {
            self.pos += s.chars().count();
            Ok(())
        } else {
            self.fail(&format!("what comes here (expected `{s}`)"))
        }
    }

    fn ident(&mut self) -> Option<String> {
        self.skip_space();
        let start = self.pos;
        let first = self.text.get(self.pos)?;
        if !(first.is_alphabetic() || *first == '_') {
            return None;
        }
        while self
            .text
            .get(self.pos)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        {
            self.pos += 1;
        }
        Some(self.text[start..self.pos].iter().collect())
    }

    /// Skips a string literal starting at `pos`.
    fn skip_string(&mut self) {
        self.pos += 1;
        while let Some(&c) = self.text.get(self.pos) {
            self.pos += 1;
            match c {
                '\\' => self.pos += 1,
                '"' => return,
                _ => {}
            }
        }
    }

    /// The text up to the `;` (or `stop`) that ends an expression, outside
    /// brackets and strings; the `;` is consumed.
    fn expression(&mut self) -> Read<(String, usize)> {
        self.skip_space();
        let start = self.pos;
        let line = self.line(start);
        let mut depth = 0i32;
        while let Some(&c) = self.text.get(self.pos) {
            match c {
                '"' => {
                    self.skip_string();
                    continue;
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                ';' if depth == 0 => {
                    let text: String = self.text[start..self.pos].iter().collect();
                    self.pos += 1;
                    return Ok((text.trim().to_string(), line));
                }
                _ => {}
            }
            if depth < 0 {
                return self.fail("an expression without its `;`");
            }
            self.pos += 1;
        }
        self.fail("an expression that does not end")
    }

    /// Skips a `{ … }` block.
    fn skip_block(&mut self) -> Read<()> {
        self.eat("{")?;
        let mut depth = 1;
        while let Some(&c) = self.text.get(self.pos) {
            match c {
                '"' => {
                    self.skip_string();
                    continue;
                }
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.fail("a block that does not end")
    }

    /// Skips to the `{` that opens a function's body, then the body.
    fn skip_function(&mut self) -> Read<()> {
        while let Some(&c) = self.text.get(self.pos) {
            if c == '{' {
                return self.skip_block();
            }
            self.pos += 1;
        }
        self.fail("a function without a body")
    }

    /// After `if` or `for`: skips the condition or the model up to the `:`
    /// that introduces the element.
    fn skip_to_element(&mut self) -> Read<()> {
        let mut depth = 0i32;
        while let Some(&c) = self.text.get(self.pos) {
            match c {
                '"' => {
                    self.skip_string();
                    continue;
                }
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ':' if depth == 0 && self.text.get(self.pos + 1) != Some(&'=') => {
                    let back = self.pos;
                    self.pos += 1;
                    if self.ident().is_some() && (self.starts("{") || self.starts(":=")) {
                        self.pos = back + 1;
                        return Ok(());
                    }
                    self.pos = back;
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.fail("an `if` or `for` without its element")
    }

    /// An element from its type name on (`Text { … }`, `id := Text { … }`).
    fn element(&mut self) -> Read<Element> {
        let line = self.line(self.pos);
        let Some(first) = self.ident() else {
            return self.fail("an element");
        };
        let kind = if self.starts(":=") {
            self.eat(":=")?;
            match self.ident() {
                Some(k) => k,
                None => return self.fail("the type of an element"),
            }
        } else {
            first
        };
        let mut element = self.body()?;
        element.kind = kind;
        element.line = line;
        Ok(element)
    }

    /// `{ … }`: bindings, properties, callbacks and child elements.
    fn body(&mut self) -> Read<Element> {
        self.eat("{")?;
        let mut element = Element::default();
        loop {
            if self.peek() == Some('}') {
                self.pos += 1;
                return Ok(element);
            }
            let start = self.pos;
            let Some(word) = self.ident() else {
                return self.fail("this statement");
            };
            match word.as_str() {
                "in" | "out" | "in-out" | "private" | "property" => {
                    if word != "property" && self.ident().as_deref() != Some("property") {
                        return self.fail("a property declaration");
                    }
                    self.eat("<")?;
                    let ty_start = self.pos;
                    while self.text.get(self.pos).is_some_and(|&c| c != '>') {
                        self.pos += 1;
                    }
                    let ty: String = self.text[ty_start..self.pos].iter().collect();
                    self.eat(">")?;
                    let Some(name) = self.ident() else {
                        return self.fail("a property's name");
                    };
                    let default = if self.starts(";") {
                        self.eat(";")?;
                        None
                    } else if self.starts("<=>") {
                        self.eat("<=>")?;
                        self.expression()?;
                        None
                    } else {
                        self.eat(":")?;
                        Some(self.expression()?)
                    };
                    element
                        .properties
                        .insert(name, (ty.trim().to_string(), default));
                }
                "callback" => {
                    self.expression()?;
                }
                "pure" | "public" | "function" => self.skip_function()?,
                "changed" => {
                    self.ident();
                    self.eat("=>")?;
                    self.skip_block()?;
                }
                "if" | "for" => {
                    self.skip_to_element()?;
                    element.children.push(self.element()?);
                }
                "animate" | "states" | "transitions" => {
                    return self.fail(&format!("`{word}`"));
                }
                _ => {
                    if self.starts(":=") || self.starts("{") {
                        self.pos = start;
                        element.children.push(self.element()?);
                    } else if self.starts("=>") {
                        self.eat("=>")?;
                        self.skip_block()?;
                    } else if self.starts("(") {
                        while self.text.get(self.pos).is_some_and(|&c| c != ')') {
                            self.pos += 1;
                        }
                        self.eat(")")?;
                        self.eat("=>")?;
                        self.skip_block()?;
                    } else if self.starts("<=>") {
                        self.eat("<=>")?;
                        self.expression()?;
                    } else if self.starts(":") {
                        self.eat(":")?;
                        let value = self.expression()?;
                        element.bindings.insert(word, value);
                    } else {
                        return self.fail(&format!("what follows `{word}`"));
                    }
                }
            }
        }
    }

    /// A whole file: its components and globals (structs, enums, imports and
    /// re-exports say nothing about colours).
    fn file(&mut self) -> Read<Vec<(String, Component)>> {
        let mut out = Vec::new();
        while self.peek().is_some() {
            let Some(word) = self.ident() else {
                return self.fail("this declaration");
            };
            match word.as_str() {
                "export" => {
                    if self.starts("{") {
                        self.skip_block()?;
                    }
                }
                "import" => {
                    self.expression()?;
                }
                "struct" | "enum" => {
                    self.ident();
                    self.skip_block()?;
                }
                "global" | "component" => {
                    let Some(name) = self.ident() else {
                        return self.fail("a component's name");
                    };
                    let base = if self.starts("inherits") {
                        self.ident();
                        self.ident().unwrap_or_default()
                    } else {
                        String::new()
                    };
                    let line = self.line(self.pos);
                    let mut body = self.body()?;
                    body.kind = name.clone();
                    body.line = line;
                    let file = self.file.to_string();
                    out.push((name, Component { file, base, body }));
                }
                other => return self.fail(&format!("`{other}` at the top level")),
            }
        }
        Ok(out)
    }
}

/// The source with its comments blanked out (lines kept, for line numbers).
fn without_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('"', _) => {
                out.push('"');
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    i += 1;
                    match chars[i - 1] {
                        '\\' if i < chars.len() => {
                            out.push(chars[i]);
                            i += 1;
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(' ');
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    out.push(if chars[i] == '\n' { '\n' } else { ' ' });
                    i += 1;
                }
                out.push_str("  ");
                i += 2;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// A colour that may depend on conditions.
#[derive(Clone, Debug)]
enum Paint {
    Solid(Rgba, String),
    Pick(Condition, Box<Paint>, Box<Paint>),
}

#[derive(Clone, Debug, PartialEq)]
enum Condition {
    Always(bool),
    /// A condition by its (scope, text), possibly negated.
    When(String, bool),
}

impl Paint {
    fn conditions(&self, out: &mut BTreeSet<String>) {
        if let Paint::Pick(c, yes, no) = self {
            if let Condition::When(name, _) = c {
                out.insert(name.clone());
            }
            yes.conditions(out);
            no.conditions(out);
        }
    }

    fn at(&self, set: &BTreeSet<String>) -> (Rgba, String) {
        match self {
            Paint::Solid(c, name) => (*c, name.clone()),
            Paint::Pick(c, yes, no) => {
                let holds = match c {
                    Condition::Always(b) => *b,
                    Condition::When(name, negated) => set.contains(name) != *negated,
                };
                if holds { yes.at(set) } else { no.at(set) }
            }
        }
    }
}

/// The value of a property where a component is used: its expression and
/// the scope it is read in.
#[derive(Clone, Debug)]
struct Value {
    expression: String,
    scope: usize,
    spot: Spot,
}

/// One component where it is used: what its root's properties are bound to.
#[derive(Debug)]
struct Scope {
    component: String,
    values: BTreeMap<String, Value>,
}

/// An element to walk, the scope it is read in and the file it is written in.
type Child = (Element, usize, String);

/// A `Text` as the window shows it: its colour and what is behind it.
struct Finding {
    spot: Spot,
    ink: Paint,
    behind: Vec<Paint>,
}

/// One text colour on one background, where it is written.
#[derive(Debug)]
pub struct Pair {
    pub text: String,
    pub background: String,
    pub names: String,
    pub ratio: f64,
    pub spot: String,
}

struct Scan {
    components: BTreeMap<String, Component>,
    theme: BTreeMap<String, (Rgba, String)>,
    scopes: Vec<Scope>,
    findings: Vec<Finding>,
}

impl Scan {
    fn new(files: &[(String, String)]) -> Read<Self> {
        let mut components = BTreeMap::new();
        for (file, text) in files {
            for (name, component) in Reader::new(file, text).file()? {
                components.insert(name, component);
            }
        }
        let mut theme = BTreeMap::new();
        let Some(global) = components.get("Theme") else {
            return Err("no `global Theme` found in the .slint files".into());
        };
        for (name, (ty, default)) in &global.body.properties {
            if ty != "color" {
                continue;
            }
            let Some((value, line)) = default else {
                return Err(format!("{}: Theme.{name} has no colour", global.file));
            };
            let Some(rgba) = Rgba::parse(value) else {
                return Err(format!(
                    "{}:{line}: Theme.{name} is `{value}`; write theme colours as #rrggbb",
                    global.file
                ));
            };
            theme.insert(name.clone(), (rgba, format!("Theme.{name}")));
        }
        Ok(Self {
            components,
            theme,
            scopes: Vec::new(),
            findings: Vec::new(),
        })
    }

    /// The colour an expression names, followed through properties.
    fn paint(&self, expression: &str, scope: usize, spot: &Spot) -> Read<Paint> {
        let e = strip_parens(expression.trim());
        if let Some((condition, yes, no)) = split_choice(e) {
            return Ok(Paint::Pick(
                self.condition(condition, scope),
                Box::new(self.paint(yes, scope, spot)?),
                Box::new(self.paint(no, scope, spot)?),
            ));
        }
        if let Some(name) = e.strip_prefix("Theme.") {
            return match self.theme.get(name) {
                Some((c, n)) => Ok(Paint::Solid(*c, n.clone())),
                None => Err(format!("{spot}: the theme has no colour `{name}`")),
            };
        }
        if e == "transparent" {
            return Ok(Paint::Solid(
                Rgba {
                    r: 0.0,
                    g: 0.0,
                    b: 0.0,
                    a: 0.0,
                },
                "transparent".into(),
            ));
        }
        if e.starts_with('#') {
            return Err(format!(
                "{spot}: the colour `{e}` is written outside theme.slint; name it in the theme"
            ));
        }
        if let Some(name) = e.strip_prefix("root.") {
            return match self.scopes[scope].values.get(name) {
                Some(v) => self.paint(&v.expression, v.scope, &v.spot),
                None => Err(format!(
                    "{spot}: `{e}` has no value in {}",
                    self.scopes[scope].component
                )),
            };
        }
        Err(format!(
            "{spot}: the contrast scan cannot tell which colour `{e}` is (use Theme.… or root.…)"
        ))
    }

    /// A condition, known or by its text (see `substitute`).
    fn condition(&self, text: &str, scope: usize) -> Condition {
        let text = self.substitute(strip_parens(text.trim()), scope, 0);
        let text = strip_parens(text.trim()).to_string();
        match text.as_str() {
            "true" => return Condition::Always(true),
            "false" => return Condition::Always(false),
            _ => {}
        }
        match text.strip_prefix('!') {
            Some(rest) if !rest.contains(' ') => Condition::When(rest.to_string(), true),
            _ => Condition::When(text, false),
        }
    }

    /// A condition's text in one form for wherever it is reached from:
    /// `root.name` is replaced by what the property is bound to (read in its
    /// own scope); other names (`touch.pressed`, `item.issuing`) are marked
    /// with their scope, so that the same id in two components is two
    /// conditions; `Lobby.…` is the same everywhere.
    fn substitute(&self, text: &str, scope: usize, depth: usize) -> String {
        let name_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '"' {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.extend(&chars[start..i.min(chars.len())]);
                continue;
            }
            if !(c.is_alphabetic() || c == '_') {
                out.push(c);
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && name_char(chars[i]) {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            if let Some(property) = name.strip_prefix("root.") {
                match self.scopes[scope].values.get(property) {
                    Some(v) if depth < 8 => {
                        out.push('(');
                        out.push_str(&self.substitute(&v.expression, v.scope, depth + 1));
                        out.push(')');
                    }
                    _ => out.push_str(&format!("#{scope}:{name}")),
                }
            } else if name.starts_with("Lobby.") || name == "true" || name == "false" {
                out.push_str(&name);
            } else {
                out.push_str(&format!("#{scope}:{name}"));
            }
        }
        out
    }

    /// Builds the scope of a component used with these bindings.
    fn instantiate(
        &mut self,
        kind: &str,
        bindings: &BTreeMap<String, (String, usize)>,
        outer: usize,
        file: &str,
    ) -> Read<(usize, String, Vec<Child>)> {
        // The chain from the component down to the built-in element it is.
        let mut chain = Vec::new();
        let mut name = kind.to_string();
        while let Some(c) = self.components.get(&name) {
            chain.push(c.clone());
            name = c.base.clone();
        }
        let builtin = if name.is_empty() {
            "Empty".to_string()
        } else {
            name
        };
        let id = self.scopes.len();
        let mut values = BTreeMap::new();
        // Base first, so that what derives from it overrides.
        for c in chain.iter().rev() {
            for (name, (_, default)) in &c.body.properties {
                if let Some((e, line)) = default {
                    values.insert(
                        name.clone(),
                        Value {
                            expression: e.clone(),
                            scope: id,
                            spot: Spot {
                                file: c.file.clone(),
                                line: *line,
                            },
                        },
                    );
                }
            }
            for (name, (e, line)) in &c.body.bindings {
                values.insert(
                    name.clone(),
                    Value {
                        expression: e.clone(),
                        scope: id,
                        spot: Spot {
                            file: c.file.clone(),
                            line: *line,
                        },
                    },
                );
            }
        }
        for (name, (e, line)) in bindings {
            values.insert(
                name.clone(),
                Value {
                    expression: e.clone(),
                    scope: outer,
                    spot: Spot {
                        file: file.to_string(),
                        line: *line,
                    },
                },
            );
        }
        self.scopes.push(Scope {
            component: kind.to_string(),
            values,
        });
        let mut children = Vec::new();
        for c in chain.iter().rev() {
            for child in &c.body.children {
                children.push((child.clone(), id, c.file.clone()));
            }
        }
        Ok((id, builtin, children))
    }

    /// Walks an element where it is used, with the backgrounds behind it.
    fn walk(
        &mut self,
        element: &Element,
        scope: usize,
        file: &str,
        behind: &mut Vec<Paint>,
    ) -> Read<()> {
        let spot = Spot {
            file: file.to_string(),
            line: element.line,
        };
        let (own, builtin, mut children) = if self.components.contains_key(&element.kind) {
            self.instantiate(&element.kind, &element.bindings, scope, file)?
        } else {
            let id = self.scopes.len();
            let values = element
                .bindings
                .iter()
                .map(|(name, (e, line))| {
                    (
                        name.clone(),
                        Value {
                            expression: e.clone(),
                            scope,
                            spot: Spot {
                                file: file.to_string(),
                                line: *line,
                            },
                        },
                    )
                })
                .collect();
            self.scopes.push(Scope {
                component: element.kind.clone(),
                values,
            });
            (id, element.kind.clone(), Vec::new())
        };
        // Children written where the element is used are read in the
        // scope around it.
        for child in &element.children {
            children.push((child.clone(), scope, file.to_string()));
        }
        let value = |this: &Self, name: &str| this.scopes[own].values.get(name).cloned();
        let fills = matches!(builtin.as_str(), "Rectangle" | "Window");
        let pushed = match value(self, "background") {
            Some(v) if fills => {
                behind.push(self.paint(&v.expression, v.scope, &v.spot)?);
                true
            }
            _ => false,
        };
        if matches!(builtin.as_str(), "Text" | "TextInput") {
            let Some(v) = value(self, "color") else {
                return Err(format!(
                    "{spot}: this {} sets no colour; give it one from the theme",
                    element.kind
                ));
            };
            let ink = self.paint(&v.expression, v.scope, &v.spot)?;
            self.findings.push(Finding {
                spot: spot.clone(),
                ink,
                behind: behind.clone(),
            });
        }
        for (child, child_scope, child_file) in children {
            self.walk(&child, child_scope, &child_file, behind)?;
        }
        if pushed {
            behind.pop();
        }
        Ok(())
    }
}

/// Every text and background pair the window can show, from these sources.
fn pairs(files: &[(String, String)]) -> Read<Vec<Pair>> {
    let mut scan = Scan::new(files)?;
    let window = scan
        .components
        .iter()
        .find(|(_, c)| c.base == "Window")
        .map(|(name, c)| (name.clone(), c.file.clone()))
        .ok_or("no component inherits Window")?;
    let root = Element {
        kind: window.0,
        ..Element::default()
    };
    scan.scopes.push(Scope {
        component: "(outside)".into(),
        values: BTreeMap::new(),
    });
    scan.walk(&root, 0, &window.1, &mut Vec::new())?;
    let mut out: BTreeMap<(String, String, String), Pair> = BTreeMap::new();
    for f in &scan.findings {
        let mut conditions = BTreeSet::new();
        f.ink.conditions(&mut conditions);
        for b in &f.behind {
            b.conditions(&mut conditions);
        }
        let conditions: Vec<String> = conditions.into_iter().collect();
        if conditions.len() > 12 {
            return Err(format!("{}: too many conditions to try", f.spot));
        }
        for bits in 0u32..(1 << conditions.len()) {
            let set: BTreeSet<String> = conditions
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, c)| c.clone())
                .collect();
            // From the back: the window's page, then each fill over it.
            let mut background = Rgba {
                r: 1.0,
                g: 1.0,
                b: 1.0,
                a: 1.0,
            };
            let mut background_name = String::from("white");
            for b in &f.behind {
                let (c, name) = b.at(&set);
                background = c.over(background);
                if c.a >= 1.0 {
                    background_name = name;
                } else if c.a > 0.0 {
                    background_name = format!("{name} over {background_name}");
                }
            }
            let (ink, ink_name) = f.ink.at(&set);
            let ink = ink.over(background);
            let key = (ink.hex(), background.hex(), f.spot.to_string());
            out.entry(key).or_insert_with(|| Pair {
                text: ink.hex(),
                background: background.hex(),
                names: format!("{ink_name} on {background_name}"),
                ratio: ratio(ink, background),
                spot: f.spot.to_string(),
            });
        }
    }
    Ok(out.into_values().collect())
}

/// `a ? b : c` split at its top level, or None.
fn split_choice(e: &str) -> Option<(&str, &str, &str)> {
    let bytes: Vec<(usize, char)> = e.char_indices().collect();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut question = None;
    let mut nested = 0;
    for &(i, c) in &bytes {
        if in_string {
            if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '?' if depth == 0 => {
                if question.is_none() {
                    question = Some(i);
                } else {
                    nested += 1;
                }
            }
            ':' if depth == 0 && question.is_some() => {
                if nested == 0 {
                    let q = question?;
                    return Some((&e[..q], &e[q + 1..i], &e[i + 1..]));
                }
                nested -= 1;
            }
            _ => {}
        }
    }
    None
}

/// `(x)` as `x` when the brackets enclose the whole of it.
fn strip_parens(e: &str) -> &str {
    let mut e = e.trim();
    while e.starts_with('(') && e.ends_with(')') {
        let inner = &e[1..e.len() - 1];
        let mut depth = 0i32;
        let balanced = inner.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth >= 0
        });
        if !balanced {
            break;
        }
        e = inner.trim();
    }
    e
}

/// The lobby's `.slint` files, as they are on disk now.
fn lobby_sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "slint"))
        .map(|p| {
            (
                format!("kiosk/ui/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_text_on_every_background_reaches_7_to_1() {
    let pairs = pairs(&lobby_sources()).unwrap_or_else(|e| panic!("{e}"));
    // The scan found the screens: the header's station name, a key, the
    // evacuation screen.
    assert!(pairs.len() > 50, "only {} pairs found", pairs.len());
    let mut table: BTreeMap<(String, String), (f64, String, usize)> = BTreeMap::new();
    for p in &pairs {
        let entry = table
            .entry((p.text.clone(), p.background.clone()))
            .or_insert((p.ratio, p.names.clone(), 0));
        entry.2 += 1;
    }
    // Shown with --nocapture: the pairs and their ratios, lowest first.
    let mut rows: Vec<_> = table.iter().collect();
    rows.sort_by(|a, b| a.1.0.total_cmp(&b.1.0));
    for ((text, background), (r, names, n)) in &rows {
        println!("{r:5.2}:1  {text} on {background}  ({names}; {n} texts)");
    }
    let low: Vec<String> = pairs
        .iter()
        .filter(|p| p.ratio < MIN_RATIO)
        .map(|p| {
            format!(
                "{}: {} ({} on {}) is {:.2}:1",
                p.spot, p.names, p.text, p.background, p.ratio
            )
        })
        .collect();
    assert!(
        low.is_empty(),
        "texts below {MIN_RATIO}:1:\n{}",
        low.join("\n")
    );
}

#[test]
fn the_contrast_scan_catches_a_new_pair_and_a_colour_it_cannot_trace() {
    let theme = r#"
        export global Theme {
            out property <color> page: #ffffff;
            out property <color> ink: #111111;
            out property <color> dark: #0d47a1;
            out property <color> soft: #99aacc;
            out property <color> shade: #00000022;
        }
    "#;
    let window = |body: &str| {
        vec![
            ("theme.slint".to_string(), theme.to_string()),
            (
                "main.slint".to_string(),
                format!(
                    r#"
                    component Chip inherits Rectangle {{
                        in property <color> base: Theme.dark;
                        in property <bool> on;
                        background: touch.pressed ? Theme.shade : root.base;
                        Text {{ text: "x"; color: root.on ? Theme.soft : Theme.page; }}
                        touch := TouchArea {{ }}
                    }}
                    export component W inherits Window {{
                        background: Theme.page;
                        // A comment {{ with braces }} is not code.
                        {body}
                    }}
                    "#
                ),
            ),
        ]
    };
    // Dark ink on the page: fine.
    let ok = pairs(&window(r#"if true: Text { text: "a"; color: Theme.ink; }"#)).unwrap();
    assert_eq!(ok.len(), 1, "{ok:?}");
    assert!(ok[0].ratio >= MIN_RATIO, "{ok:?}");
    // The pale text a chip shows when `on`, and the white text on a pressed
    // chip (a translucent shade over the white page): both found.
    let bad = pairs(&window(r#"Chip { on: Lobby.english; }"#)).unwrap();
    let low: Vec<&Pair> = bad.iter().filter(|p| p.ratio < MIN_RATIO).collect();
    assert!(
        low.iter()
            .any(|p| p.names == "Theme.soft on Theme.dark" && p.spot == "main.slint:6"),
        "{bad:?}"
    );
    assert!(
        low.iter()
            .any(|p| p.names == "Theme.page on Theme.shade over Theme.page"),
        "{bad:?}"
    );
    // A chip that is never `on` never shows the pale text.
    let off = pairs(&window(r#"Chip { on: false; base: Theme.ink; }"#)).unwrap();
    assert!(
        off.iter().all(|p| !p.names.starts_with("Theme.soft")),
        "{off:?}"
    );
    // A colour written in place, and a text without a colour, are refused.
    let literal = pairs(&window(r#"Text { text: "a"; color: #777777; }"#)).unwrap_err();
    assert!(literal.contains("outside theme.slint"), "{literal}");
    let none = pairs(&window(r#"Text { text: "a"; }"#)).unwrap_err();
    assert!(none.contains("sets no colour"), "{none}");
}

#[test]
fn contrast_ratios_match_the_wcag_examples() {
    let c = |h: &str| Rgba::parse(h).unwrap();
    assert!((ratio(c("#ffffff"), c("#000000")) - 21.0).abs() < 1e-9);
    assert!((ratio(c("#777777"), c("#ffffff")) - 4.48).abs() < 0.01);
    assert!((ratio(c("#595959"), c("#ffffff")) - 7.0).abs() < 0.01);
    assert_eq!(c("#0002").a, 34.0 / 255.0);
}

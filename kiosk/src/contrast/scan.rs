//! Expanding the components from the window down and pairing every text's
//! colour with the backgrounds behind it, under every combination of the
//! conditions its colours depend on.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

/// A colour that may depend on conditions.
#[derive(Clone, Debug)]
pub(super) enum Paint {
    Solid(Rgba, String),
    Pick(Condition, Box<Paint>, Box<Paint>),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Condition {
    Always(bool),
    /// A condition by its (scope, text), possibly negated.
    When(String, bool),
}

impl Paint {
    pub(super) fn conditions(&self, out: &mut BTreeSet<String>) {
        if let Paint::Pick(c, yes, no) = self {
            if let Condition::When(name, _) = c {
                out.insert(name.clone());
            }
            yes.conditions(out);
            no.conditions(out);
        }
    }

    pub(super) fn at(&self, set: &BTreeSet<String>) -> (Rgba, String) {
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
pub(super) struct Value {
    pub(super) expression: String,
    pub(super) scope: usize,
    pub(super) spot: Spot,
}

/// One component where it is used: what its root's properties are bound to.
#[derive(Debug)]
pub(super) struct Scope {
    pub(super) component: String,
    pub(super) values: BTreeMap<String, Value>,
}

/// A `Text` as the window shows it: its colour and what is behind it.
pub(super) struct Finding {
    pub(super) spot: Spot,
    pub(super) ink: Paint,
    pub(super) behind: Vec<Paint>,
}

pub(super) struct Scan {
    pub(super) components: BTreeMap<String, Component>,
    pub(super) theme: BTreeMap<String, (Rgba, String)>,
    pub(super) scopes: Vec<Scope>,
    pub(super) findings: Vec<Finding>,
}

impl Scan {
    pub(super) fn new(files: &[(String, String)]) -> Read<Self> {
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
    pub(super) fn paint(&self, expression: &str, scope: usize, spot: &Spot) -> Read<Paint> {
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
    pub(super) fn condition(&self, text: &str, scope: usize) -> Condition {
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
    pub(super) fn substitute(&self, text: &str, scope: usize, depth: usize) -> String {
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
    pub(super) fn instantiate(
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
    pub(super) fn walk(
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
pub(super) fn pairs(files: &[(String, String)]) -> Read<Vec<Pair>> {
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
pub(super) fn split_choice(e: &str) -> Option<(&str, &str, &str)> {
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
pub(super) fn strip_parens(e: &str) -> &str {
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

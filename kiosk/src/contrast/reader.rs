//! Reading the `.slint` files: comments stripped, then each component's
//! elements with their properties, as far as the screens' subset of Slint
//! goes; anything else is an error with its file and line.

use std::collections::BTreeMap;

/// An element as written: its type, bindings, declared properties and
/// children. A component's body is an element too.
#[derive(Clone, Debug, Default)]
pub(super) struct Element {
    pub(super) kind: String,
    pub(super) bindings: BTreeMap<String, (String, usize)>,
    /// Declared properties: type and default expression.
    pub(super) properties: BTreeMap<String, (String, Option<(String, usize)>)>,
    pub(super) children: Vec<Element>,
    pub(super) line: usize,
}

#[derive(Clone, Debug)]
pub(super) struct Component {
    pub(super) file: String,
    pub(super) base: String,
    pub(super) body: Element,
}

pub(super) type Read<T> = Result<T, String>;

/// Reads the subset of the Slint language the lobby's files use.
pub(super) struct Reader<'a> {
    pub(super) file: &'a str,
    pub(super) text: Vec<char>,
    pub(super) pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(file: &'a str, source: &str) -> Self {
        Self {
            file,
            text: without_comments(source).chars().collect(),
            pos: 0,
        }
    }

    pub(super) fn line(&self, pos: usize) -> usize {
        1 + self.text[..pos.min(self.text.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count()
    }

    pub(super) fn fail<T>(&self, what: &str) -> Read<T> {
        Err(format!(
            "{}:{}: the contrast scan cannot read {what}",
            self.file,
            self.line(self.pos)
        ))
    }

    pub(super) fn skip_space(&mut self) {
        while self.text.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    pub(super) fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.text.get(self.pos).copied()
    }

    pub(super) fn starts(&mut self, s: &str) -> bool {
        self.skip_space();
        s.chars()
            .enumerate()
            .all(|(i, c)| self.text.get(self.pos + i) == Some(&c))
    }

    pub(super) fn eat(&mut self, s: &str) -> Read<()> {
        if self.starts(s) {
            self.pos += s.chars().count();
            Ok(())
        } else {
            self.fail(&format!("what comes here (expected `{s}`)"))
        }
    }

    pub(super) fn ident(&mut self) -> Option<String> {
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
    pub(super) fn skip_string(&mut self) {
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
    pub(super) fn expression(&mut self) -> Read<(String, usize)> {
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
    pub(super) fn skip_block(&mut self) -> Read<()> {
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
    pub(super) fn skip_function(&mut self) -> Read<()> {
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
    pub(super) fn skip_to_element(&mut self) -> Read<()> {
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
    pub(super) fn element(&mut self) -> Read<Element> {
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
    pub(super) fn body(&mut self) -> Read<Element> {
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
    pub(super) fn file(&mut self) -> Read<Vec<(String, Component)>> {
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
pub(super) fn without_comments(source: &str) -> String {
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

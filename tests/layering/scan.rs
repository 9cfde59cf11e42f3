//! Reads which paths of the crate a Rust file names, without compiling it: every `use`
//! declaration (`use a::{b, c::D as E}` is two paths) and every `crate::`, `super::` and
//! `self::` path in code, with the inline `mod NAME { ... }` blocks around each, so that a
//! `super::` inside `mod tests` means the file's own module. Comments and the contents of
//! string and char literals are never read as code. Code compiled only for tests (an
//! item under `#[cfg(test)]`) is marked so.
//!
//! It knows nothing of what the paths point at: `Crate` (in the parent module) resolves
//! them against the files under `src/`.

/// One path as written in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The line of its last segment, counted from 1.
    pub line: usize,
    /// The inline modules around it, outermost first.
    pub inline: Vec<String>,
    /// Its segments as written: `super::super::x::Y` is `["super", "super", "x", "Y"]`; a
    /// glob ends with `"*"`; a `self` closing a `use` group (`a::{self}`) is dropped.
    pub segments: Vec<String>,
    /// The name a `use` declaration binds (its `as` alias or its last segment; `"*"` for a
    /// glob); `None` for a path in code.
    pub binds: Option<String>,
    /// Inside an item compiled only for tests (`#[cfg(test)]`).
    pub test: bool,
}

/// What one file says: the paths it names, and the file modules it declares for tests
/// only (`#[cfg(test)] mod tests;`), each under its inline modules.
#[derive(Debug, Default)]
pub struct Scanned {
    pub written: Vec<Written>,
    pub test_modules: Vec<Vec<String>>,
}

/// Every path `code` names, in the order they appear.
pub fn scan(code: &str) -> Scanned {
    let code = code_only(code);
    let bytes = code.as_bytes();
    let mut out = Scanned::default();
    // Open inline modules: their name and the brace depth of their body.
    let mut inline: Vec<(String, usize)> = Vec::new();
    // The depth of the body of the outermost item under `#[cfg(test)]` we are in.
    let mut test_body: Option<usize> = None;
    // Seen `#[cfg(test)]`, and not yet the `{` or `;` of its item.
    let mut test_item = false;
    let mut depth = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' if code[i..].starts_with("#[cfg(test)]") => {
                test_item = true;
                i += "#[cfg(test)]".len();
                continue;
            }
            b';' => test_item = false,
            b'{' => {
                depth += 1;
                if std::mem::take(&mut test_item) && test_body.is_none() {
                    test_body = Some(depth);
                }
            }
            b'}' => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                if test_body == Some(depth) {
                    test_body = None;
                }
                depth -= 1;
            }
            c if is_ident(c) && (i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != b'$') => {
                let word = leading_ident(&code[i..]);
                let after = i + word.len();
                let names: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
                let mut paths = Vec::new();
                let end = match word.as_str() {
                    "mod" => {
                        let name_at = skip_space(&code, after);
                        let name = leading_ident(&code[name_at..]);
                        let open = skip_space(&code, name_at + name.len());
                        if !name.is_empty() && code[open..].starts_with('{') {
                            inline.push((name, depth + 1));
                        } else if !name.is_empty() && test_item && code[open..].starts_with(';') {
                            out.test_modules.push(names.iter().cloned().chain([name]).collect());
                        }
                        after
                    }
                    "use" if code[after..].starts_with(char::is_whitespace) => {
                        tree(&code, skip_space(&code, after), Vec::new(), true, &mut paths)
                    }
                    "crate" | "super" | "self" if code[after..].starts_with("::") => {
                        tree(&code, i, Vec::new(), false, &mut paths)
                    }
                    // `pub(in crate::x)` is a visibility, not an import.
                    "pub" if code[after..].starts_with("(in ") => code[after..].find(')').map_or(after, |p| after + p),
                    _ => after,
                };
                let test = test_body.is_some() || test_item;
                for (at, segments, binds) in paths {
                    out.written.push(Written {
                        line: line_at(&code, at),
                        inline: names.clone(),
                        segments,
                        binds,
                        test,
                    });
                }
                i = end.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Where a path ends, its segments and the name it binds.
type Leaf = (usize, Vec<String>, Option<String>);

/// Reads the path or `use` tree starting at `at` (after `prefix`) into `out`; returns where
/// it ends. In a `use` tree (`binds`), each leaf binds its alias or its last segment.
fn tree(code: &str, at: usize, mut segments: Vec<String>, binds: bool, out: &mut Vec<Leaf>) -> usize {
    let mut pos = at;
    let mut last = at;
    loop {
        if code[pos..].starts_with('{') {
            pos += 1;
            loop {
                pos = skip_space(code, pos);
                if code[pos..].starts_with('}') {
                    return pos + 1;
                }
                let before = pos;
                pos = skip_space(code, tree(code, pos, segments.clone(), binds, out));
                if code[pos..].starts_with(',') {
                    pos += 1;
                } else if code[pos..].starts_with('}') {
                    return pos + 1;
                } else if pos == before {
                    return pos;
                }
            }
        }
        if code[pos..].starts_with('*') {
            segments.push("*".to_string());
            out.push((pos, segments, binds.then(|| "*".to_string())));
            return pos + 1;
        }
        let ident = leading_ident(&code[pos..]);
        if ident.is_empty() {
            break;
        }
        last = pos;
        pos += ident.len();
        segments.push(ident);
        let next = skip_space(code, pos);
        if code[next..].starts_with("::") {
            pos = skip_space(code, next + 2);
        } else {
            break;
        }
    }
    if segments.last().is_some_and(|s| s == "self") && segments.len() > 1 {
        segments.pop();
    }
    if segments.is_empty() {
        return pos;
    }
    let mut bound = segments.last().cloned();
    if binds {
        let next = skip_space(code, pos);
        if code[next..].starts_with("as") && code[next + 2..].starts_with(char::is_whitespace) {
            let alias_at = skip_space(code, next + 2);
            let alias = leading_ident(&code[alias_at..]);
            pos = alias_at + alias.len();
            bound = Some(alias);
        }
    }
    out.push((last, segments, if binds { bound } else { None }));
    pos
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn skip_space(code: &str, at: usize) -> usize {
    at + code[at..].len() - code[at..].trim_start().len()
}

fn line_at(code: &str, at: usize) -> usize {
    code[..at].matches('\n').count() + 1
}

pub fn leading_ident(text: &str) -> String {
    text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// `code` with comments and the contents of string and char literals blanked out
/// (newlines kept, so line numbers still hold). Raw strings (`r#"..."#`) are understood;
/// a `'` that opens no char literal is a lifetime.
fn code_only(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    // Copies the newlines of `chars[from..to]`, dropping everything else.
    let newlines = |out: &mut String, from: usize, to: usize| {
        out.extend(chars[from..to.min(chars.len())].iter().filter(|c| **c == '\n'));
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let ident_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && next == Some('/') {
            let end = chars[i..].iter().position(|c| *c == '\n').map_or(chars.len(), |p| i + p);
            i = end;
        } else if c == '/' && next == Some('*') {
            let end = (i + 2..chars.len()).find(|&j| chars[j - 1] == '*' && chars[j] == '/' && j > i + 2);
            let end = end.map_or(chars.len(), |j| j + 1);
            newlines(&mut out, i, end);
            i = end;
        } else if c == 'r' && !ident_before && matches!(next, Some('#' | '"')) {
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let body = i + 2 + hashes;
            let closes = |j: usize| chars[j] == '"' && (1..=hashes).all(|h| chars.get(j + h) == Some(&'#'));
            let end = (body..chars.len()).find(|&j| closes(j)).map_or(chars.len(), |j| j + 1 + hashes);
            out.push_str("\"\"");
            newlines(&mut out, body, end);
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            newlines(&mut out, i + 1, j);
            i = j + 1;
        } else if c == '\'' && next == Some('\\') {
            let end = (i + 2..chars.len()).find(|&j| chars[j] == '\'' && j > i + 2).map_or(chars.len(), |j| j + 1);
            out.push_str("' '");
            i = end;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

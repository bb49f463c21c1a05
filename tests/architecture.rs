//! The shape of the code: no cycle between the top-level modules of `src/`,
//! and the shared infrastructure modules never import a domain area.
//!
//! The module graph is read from the source: every `crate::x` path in a file
//! under `src/x/` (or `src/x.rs`) is an edge from `x` to that top-level
//! module. `use super::...` stays inside a module and is ignored, as are
//! comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Shared pieces that areas use; they may import each other, never an area.
const INFRASTRUCTURE: &[&str] = &[
    "clock", "cluster", "config", "crypto", "db", "error", "http", "i18n", "media", "net", "num", "signing", "state", "tenancy", "text",
];

/// Cycles that still exist, each as the set of modules in one strongly
/// connected component. Empty now, and it stays so: the list only exists to
/// name a cycle that must be tolerated for a while, and may only shrink. A new
/// cycle fails the test, and so does a listed one that has been broken.
const KNOWN_CYCLES: &[&[&str]] = &[];

/// Imports from infrastructure into an area that still exist ("from -> to").
/// May only shrink, like `KNOWN_CYCLES`.
const KNOWN_INFRASTRUCTURE_IMPORTS: &[&str] = &[];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn strip_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                ""
            } else {
                // A `//` after code: good enough for this source, which keeps
                // `://` only inside string literals of URLs.
                match line.find(" // ") {
                    Some(at) => &line[..at],
                    None => line,
                }
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn identifier(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules named by `crate::...` paths in `source`,
/// including the groups of `use crate::{a, b::c};`.
fn referenced_modules(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        let preceded_by_ident = rest[..at].chars().last().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        rest = &rest[at + "crate::".len()..];
        if preceded_by_ident {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        found.insert(identifier(group[start..i].trim()).to_string());
                        start = i + 1;
                    }
                    _ => {}
                }
                if depth == 0 {
                    found.insert(identifier(group[start..i].trim()).to_string());
                    break;
                }
            }
        } else {
            found.insert(identifier(rest).to_string());
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

fn rust_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

fn module_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = Graph::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_str().unwrap();
        let module = first.strip_suffix(".rs").unwrap_or(first).to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let source = strip_comments(&std::fs::read_to_string(file).unwrap());
        let targets = graph.entry(module.clone()).or_default();
        targets.extend(referenced_modules(&source).into_iter().filter(|m| *m != module));
    }
    // Keep only edges to top-level modules (not to items of the crate root).
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for targets in graph.values_mut() {
        targets.retain(|t| modules.contains(t));
    }
    graph
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<BTreeSet<String>> {
    struct State<'a> {
        graph: &'a Graph,
        next: usize,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in &s.graph[v] {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(w);
                component.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        next: 0,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// One cycle through `component`, as "a -> b -> ... -> a", to name in a failure.
fn example_cycle(graph: &Graph, component: &BTreeSet<String>) -> String {
    let start = component.iter().next().unwrap();
    // Breadth-first search back to `start` inside the component.
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.as_str()]);
    while let Some(v) = queue.pop_front() {
        for w in &graph[v] {
            if !component.contains(w) {
                continue;
            }
            if w == start {
                let mut path = vec![start.as_str(), v];
                let mut at = v;
                while let Some(p) = previous.get(at) {
                    path.push(p);
                    at = p;
                }
                path.reverse();
                path.push(start);
                path.dedup();
                return path.join(" -> ");
            }
            if !previous.contains_key(w.as_str()) && w != start {
                previous.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    String::new()
}

#[test]
fn the_reader_finds_crate_paths() {
    let found = referenced_modules("use crate::a::b;\nuse crate::{c, d::{e, f}};\nlet x = crate::g::h();\nmy_crate::z();\n");
    let expected: BTreeSet<String> = ["a", "c", "d", "g"].iter().map(|s| s.to_string()).collect();
    assert_eq!(found, expected);
}

#[test]
fn no_new_cycle_between_top_level_modules() {
    let graph = module_graph();
    assert!(
        graph.contains_key("http") && graph.contains_key("courses"),
        "the graph was not read from src/"
    );
    let found = cycles(&graph);
    let known: Vec<BTreeSet<String>> = KNOWN_CYCLES.iter().map(|c| c.iter().map(|m| m.to_string()).collect()).collect();
    let mut problems = Vec::new();
    for component in &found {
        if !known.contains(component) {
            problems.push(format!(
                "cycle between {} modules {:?}, for example {}",
                component.len(),
                component,
                example_cycle(&graph, component)
            ));
        }
    }
    for component in &known {
        if !found.contains(component) {
            problems.push(format!("the known cycle {component:?} is gone or changed: update KNOWN_CYCLES"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn infrastructure_imports_no_area() {
    let graph = module_graph();
    let mut found = BTreeSet::new();
    for module in INFRASTRUCTURE {
        let Some(targets) = graph.get(*module) else { continue };
        for target in targets {
            if !INFRASTRUCTURE.contains(&target.as_str()) {
                found.insert(format!("{module} -> {target}"));
            }
        }
    }
    let known: BTreeSet<String> = KNOWN_INFRASTRUCTURE_IMPORTS.iter().map(|s| s.to_string()).collect();
    let new: Vec<_> = found.difference(&known).collect();
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(new.is_empty(), "infrastructure imports a domain area: {new:?}");
    assert!(
        gone.is_empty(),
        "no longer imported, remove from KNOWN_INFRASTRUCTURE_IMPORTS: {gone:?}"
    );
}

/// Files that hold HTTP handlers: those with a `#[utoipa::path]`.
fn handler_files() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&src).unwrap().display().to_string();
            (relative, strip_comments(&std::fs::read_to_string(&path).unwrap()))
        })
        .filter(|(_, source)| source.contains("#[utoipa::path("))
        .collect()
}

#[test]
fn handlers_leave_transactions_audit_and_announcements_to_service_commands() {
    let mut offences = Vec::new();
    for (file, source) in handler_files() {
        for needle in ["db::begin(", "audit::record(", "audit::write(", "cluster::announce(", ".require(&["] {
            let count = source.matches(needle).count();
            if count > 0 {
                offences.push(format!("{file}: {count} × {needle}"));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "handlers parse, authorize (Authorized<Roles>), call one service command (crate::command::Command) and map the result:\n{}",
        offences.join("\n")
    );
}

#[test]
fn tenancy_conditions_are_written_once() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offences = Vec::new();
    for path in files {
        let relative = path.strip_prefix(&src).unwrap().display().to_string();
        let source = strip_comments(&std::fs::read_to_string(&path).unwrap());
        if !relative.starts_with("tenancy") && source.contains("scope().condition(") {
            offences.push(format!("{relative}: a hand-written scope condition"));
        }
    }
    for (file, source) in handler_files() {
        if source.contains("Uuid::nil()") {
            offences.push(format!("{file}: a nil-id sentinel"));
        }
    }
    assert!(
        offences.is_empty(),
        "branch-owned rows are read through tenancy::visible / find_visible (BranchOwned):\n{}",
        offences.join("\n")
    );
}

//! Tests that keep the architecture's invariants true: they read the sources and
//! fail when a rule in ARCHITECTURE.md is broken.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

/// The code of a file without its comments and its test module.
fn code(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
    before_tests
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every crate's sources, relative to the kiosk's folder.
const CRATE_ROOTS: [&str; 7] = [
    "src",
    "domain/src",
    "store/src",
    "../drivers/src",
    "../board/src",
    "../fleet/src",
    "../collector/src",
];

/// A crate of the workspace by its folder, relative to the kiosk's.
fn crate_dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The crates a package's build pulls in, as `cargo tree` lists them, with
/// `extra` arguments (features).
fn dependencies(package: &str, extra: &[&str]) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["tree", "--offline", "-p", package, "-e", "normal,build"])
        .args(extra)
        .args(["--prefix", "none", "--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_domains_dependency_tree_has_no_io_crate() {
    let deps = dependencies("domain", &[]);
    assert!(
        deps.iter().any(|d| d == "jiff"),
        "cargo tree listed {deps:?}"
    );
    for io in [
        "tokio",
        "slint",
        "rusqlite",
        "libsqlite3-sys",
        "axum",
        "hyper",
        "serialport",
        "gpiocdev",
        "rppal",
        "board",
        "drivers",
        "store",
    ] {
        assert!(!deps.iter().any(|d| d == io), "the domain depends on {io}");
    }
}

#[test]
fn the_pi_package_links_no_slint_internals() {
    // The features `scripts/package-deb` builds with.
    let pi = ["--no-default-features", "--features", "gpiocdev,i2c"];
    let deps = dependencies("kiosk", &pi);
    assert!(
        deps.iter().any(|d| d == "slint"),
        "cargo tree listed {deps:?}"
    );
    assert!(
        !deps
            .iter()
            .any(|d| d.starts_with("i-slint-backend-testing")),
        "the Pi package links Slint's testing backend"
    );
    let script = std::fs::read_to_string(crate_dir("../scripts/package-deb")).unwrap();
    assert!(
        script.contains("--no-default-features --features gpiocdev,i2c"),
        "scripts/package-deb builds other features than this test checks"
    );
    // The default build, which the tests drive, has the probe.
    let dev = dependencies("kiosk", &[]);
    assert!(dev.iter().any(|d| d == "i-slint-backend-testing"));
}

#[test]
fn the_domain_does_no_io_and_reads_no_clock() {
    let forbidden = [
        "tokio",
        "slint",
        "rusqlite",
        "serialport",
        "std::fs",
        "std::net",
        "std::thread",
        "std::time::SystemTime",
        "Instant::now",
        "Timestamp::now",
        "Zoned::now",
        "std::env",
        "println!",
        "eprintln!",
        "tracing",
    ];
    for (path, text) in sources(&crate_dir("domain").join("src")) {
        // Test code may do as it likes; the rules are for the core itself.
        if path.ends_with("tests.rs") || path.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let code = code(&text);
        for word in forbidden {
            assert!(!code.contains(word), "{} uses `{word}`", path.display());
        }
    }
}

#[test]
fn anyhow_lives_only_in_the_binaries() {
    for root in CRATE_ROOTS {
        for (path, text) in sources(&crate_dir(root)) {
            let binary =
                path.ends_with("main.rs") || path.components().any(|c| c.as_os_str() == "cli");
            if !binary && !path.ends_with("tidy.rs") {
                assert!(
                    !code(&text).contains("anyhow"),
                    "{} uses anyhow",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn every_source_file_says_what_it_is() {
    for root in CRATE_ROOTS {
        for (path, text) in sources(&crate_dir(root)) {
            assert!(
                text.starts_with("//!"),
                "{} has no //! header",
                path.display()
            );
        }
    }
}

/// The top-level modules of the crate at `root` (its `src`) and, for each, the
/// other top-level modules its code (tests aside) names.
fn module_graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules: BTreeMap<String, Vec<(PathBuf, String)>> = BTreeMap::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if ["lib", "main", "tests"].contains(&stem.as_str()) {
            continue;
        }
        let files = if path.is_dir() {
            sources(&path)
        } else if path.extension().is_some_and(|e| e == "rs") {
            vec![(path.clone(), std::fs::read_to_string(&path).unwrap())]
        } else {
            continue;
        };
        modules.entry(stem).or_default().extend(files);
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, files) in &modules {
        let mut uses = BTreeSet::new();
        for (path, text) in files {
            if path.ends_with("tests.rs") || path.components().any(|c| c.as_os_str() == "tests") {
                continue;
            }
            // `super::` in `x.rs` or `x/mod.rs` is the crate root too.
            let top = path.parent() == Some(root)
                || (path.ends_with("mod.rs") && path.parent().and_then(Path::parent) == Some(root));
            let code = code(text);
            let mut prefixes = vec!["crate::"];
            if top {
                prefixes.push("super::");
            }
            for prefix in prefixes {
                for (i, _) in code.match_indices(prefix) {
                    let rest = &code[i + prefix.len()..];
                    let named: Vec<&str> = match rest.strip_prefix('{') {
                        Some(group) => group
                            .split('}')
                            .next()
                            .unwrap_or_default()
                            .split(',')
                            .map(|n| n.trim().split("::").next().unwrap_or_default())
                            .collect(),
                        None => vec![
                            rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                                .next()
                                .unwrap_or_default(),
                        ],
                    };
                    for name in named {
                        if name != module && names.contains(name) {
                            uses.insert(name.to_string());
                        }
                    }
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// A cycle in `graph`, as the path that closes it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_a_module_cycle() {
    for root in CRATE_ROOTS {
        let graph = module_graph(&crate_dir(root));
        assert!(
            graph.len() > 1 || root.contains("store"),
            "{root}: {graph:?}"
        );
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "{root}: the modules {} depend on each other",
                cycle.join(" → ")
            );
        }
    }
    // The check sees a cycle when there is one.
    let looped = BTreeMap::from([
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(find_cycle(&looped).map(|c| c.len()), Some(3));
}

#[test]
fn no_source_file_is_over_a_thousand_lines() {
    // Test code aside: test modules, the crates' tests folders, and the
    // modules only tests build (this one, the glyph check).
    let test_only = ["tests.rs", "tidy.rs", "glyphs.rs"];
    let mut long = Vec::new();
    for root in CRATE_ROOTS {
        for (path, text) in sources(&crate_dir(root)) {
            let test = test_only.iter().any(|t| path.ends_with(t))
                || path.components().any(|c| c.as_os_str() == "tests");
            let lines = text.lines().count();
            if !test && lines > 1000 {
                long.push(format!("{} ({lines} lines)", path.display()));
            }
        }
    }
    assert!(long.is_empty(), "split these by role: {long:?}");
}

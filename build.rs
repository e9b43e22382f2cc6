//! Collects the page's translation files (`src/i18n/ftl/<language>/<part>.ftl`) into the binary:
//! a lesson's texts are added by adding its file, with no list to keep in step.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new("src/i18n/ftl");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    for lang in std::fs::read_dir(root).expect("src/i18n/ftl exists") {
        let lang = lang.expect("readable").path();
        println!("cargo:rerun-if-changed={}", lang.display());
        for file in std::fs::read_dir(&lang).expect("readable") {
            let path = file.expect("readable").path();
            if path.extension().is_some_and(|e| e == "ftl") {
                println!("cargo:rerun-if-changed={}", path.display());
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = String::from("/// (language, part, Fluent source), one entry per file, sorted.\npub(crate) static FILES: &[(&str, &str, &str)] = &[\n");
    for path in &files {
        let lang = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let part = path
            .file_stem()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let abs = std::fs::canonicalize(path).expect("file exists");
        writeln!(
            out,
            "    ({lang:?}, {part:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

//! Collects the page's translation files into the binary: `src/i18n/ftl/<language>/<part>.ftl`
//! for each language, and the files beside the language folders (the notation), which every
//! language shares. A lesson's texts are added by adding its file, with no list to keep in step.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn ftl_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    files
}

fn main() {
    let root = Path::new("src/i18n/ftl");
    println!("cargo:rerun-if-changed={}", root.display());
    // (language, or "*" for every language; path)
    let mut files: Vec<(String, PathBuf)> = ftl_files(root)
        .into_iter()
        .map(|p| ("*".to_string(), p))
        .collect();
    let mut langs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("src/i18n/ftl exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    langs.sort();
    for dir in langs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let lang = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name")
            .to_string();
        files.extend(ftl_files(&dir).into_iter().map(|p| (lang.clone(), p)));
    }
    let mut out = String::from(
        "/// (language, or \"*\" for every language; part; Fluent source), one entry per file.\n\
         pub(crate) static FILES: &[(&str, &str, &str)] = &[\n",
    );
    for (lang, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
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
        .expect("writing to a String");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

//! The built-in lectures name the panel each scene shows by its `data-testid`; the page must
//! have it. Checked here against the page's source (the page itself is wasm-only), so a renamed
//! test id fails natively, before any browser runs.

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources_under(dir: &Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources_under(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).expect("readable"));
            }
        }
    }

    #[test]
    fn every_built_in_scene_shows_a_panel_the_lesson_page_has() {
        let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        // What every lesson page has, from the frame: the theory and metrics panels.
        let mut shared = String::new();
        for f in ["frame.rs", "theory.rs", "likelihood.rs"] {
            shared.push_str(&std::fs::read_to_string(app.join(f)).expect("readable"));
        }
        for (id, lecture) in genlab_core::lecture::builtin::all() {
            for (i, scene) in lecture.scenes.iter().enumerate() {
                let Some(focus) = &scene.focus else { continue };
                let mut page = shared.clone();
                sources_under(&app.join(scene.lesson.replace('-', "_")), &mut page);
                assert!(
                    page.contains(&format!("data-testid=\"{focus}\"")),
                    "lecture {id}, scene {}: the {} page has no data-testid=\"{focus}\"",
                    i + 1,
                    scene.lesson
                );
            }
        }
    }
}

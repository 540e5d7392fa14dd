//! The engine is the boundary: the app uses `saga_sim`'s façade (the crate root) and
//! `saga_record`'s codecs (`link`, `run_file`), never an inner module, so the engine can
//! reorganise freely and the app cannot lean on a rule it would then have to keep in step.

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Inner-module paths (`saga_sim::services::...`) in a source text, with their lines.
    fn inner_paths(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("saga_sim::") {
                let after = &rest[at + "saga_sim::".len()..];
                let segment: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let is_module = segment.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && after[segment.len()..].starts_with("::");
                if is_module {
                    out.push((n + 1, format!("saga_sim::{segment}::")));
                }
                rest = &after[segment.len()..];
            }
        }
        out
    }

    #[test]
    fn the_app_uses_only_the_engines_facade() {
        assert_eq!(
            inner_paths(
                "use saga_sim::services::order::Foo;\nsaga_sim::View and saga_record::link::encode\nsaga_sim::link::x"
            ),
            vec![(1, "saga_sim::services::".to_string()), (3, "saga_sim::link::".to_string())]
        );
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut stack = vec![src.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    // The browser tests drive the engine's own swarm, as its tests do.
                    && !path.ends_with("tests.rs")
                    && !path.ends_with("boundary.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("readable");
                    for (line, found) in inner_paths(&text) {
                        offenders
                            .push(format!("{}:{line}: {found}", path.strip_prefix(&src).unwrap_or(&path).display()));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "the app reaches past the engine's façade:\n{}", offenders.join("\n"));
    }
}

//! The real kubectl binaries on the machine: `/usr/bin/kubectl` and the versioned ones
//! (`kubectl.1.27` ... `kubectl.1.33`) beside it in the Google Cloud SDK.

use std::path::PathBuf;

/// The default kubectl.
pub const KUBECTL: &str = "/usr/bin/kubectl";

/// Every kubectl found: the default one, then each `kubectl.1.NN` beside its real path.
pub fn all_versions() -> Vec<PathBuf> {
    let mut found = vec![PathBuf::from(KUBECTL)];
    let Some(dir) = std::fs::canonicalize(KUBECTL).ok().and_then(|p| p.parent().map(PathBuf::from)) else {
        return found;
    };
    let mut versioned: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("kubectl.1.")))
        .collect();
    versioned.sort();
    found.extend(versioned);
    found
}

//! Locating the binaries the workspace builds (`cargo build --workspace --bins` must run first).

use std::path::PathBuf;

/// The path of a workspace binary such as `kubeadm` or `kube-apiserver`, next to the test
/// executable's `deps/` directory.
///
/// Panics with the command to run when the binary has not been built: a test cannot go on.
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| if deps.ends_with("deps") { deps.parent() } else { Some(deps) })
        .expect("test executables live in target/<profile>/deps");
    let path = profile_dir.join(name);
    assert!(path.exists(), "{} is not built: run `cargo build --workspace --bins` first", path.display());
    path
}

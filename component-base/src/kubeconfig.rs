//! The `--kubeconfig` flag of the components that talk to the API server.

use std::path::PathBuf;

/// Where a component finds the API server and its credentials.
#[derive(Debug, Clone, Default, clap::Args)]
#[group(id = "kubeconfig-flags")]
pub struct Options {
    /// Path to a kubeconfig file holding the API server's address and this component's
    /// credentials.
    #[arg(long = "kubeconfig", value_name = "path")]
    pub kubeconfig: Option<PathBuf>,
}

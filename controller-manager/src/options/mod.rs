//! The flags of `kube-controller-manager`, named, grouped and defaulted as upstream's 1.33
//! controller manager declares them (`cmd/kube-controller-manager/app/options`).

mod controllers;
mod credentials;
mod nodes;

use component_base::cli::{Validate, ValidationError};
use component_base::controlplane::{ControlPlaneComponent, ControlPlaneOptions};
use component_base::serving::ServingDefaults;
use component_base::{featuregate, logs};

pub use controllers::{ConcurrencyOptions, GenericControllerOptions};
pub use credentials::{CredentialOptions, Error};
pub use nodes::{NodeIpamOptions, NodeLifecycleOptions};

/// The controller manager as a control-plane component: HTTPS on 10257, no certificate
/// directory, Lease `kube-controller-manager`.
#[derive(Debug, Clone, Copy)]
pub struct KubeControllerManager;

impl ServingDefaults for KubeControllerManager {
    const SECURE_PORT: &'static str = "10257";
    const CERT_DIR: Option<&'static str> = None;
}

impl ControlPlaneComponent for KubeControllerManager {
    const NAME: &'static str = "kube-controller-manager";
}

/// Every flag of `kube-controller-manager`.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "kube-controller-manager", version,
          about = "The Kubernetes controller manager: runs the control loops that drive the cluster towards its desired state.")]
pub struct Options {
    /// Name of the cluster, used as a prefix for cloud resources.
    #[arg(long = "cluster-name", value_name = "string", default_value = "kubernetes")]
    pub cluster_name: String,

    /// API server connection, HTTPS endpoint and leader election.
    #[command(flatten)]
    pub control_plane: ControlPlaneOptions<KubeControllerManager>,

    /// Which controllers run.
    #[command(flatten, next_help_heading = "Controllers")]
    pub generic: GenericControllerOptions,

    /// How much each controller does at once.
    #[command(flatten, next_help_heading = "Concurrency")]
    pub concurrency: ConcurrencyOptions,

    /// Pod CIDR allocation.
    #[command(flatten, next_help_heading = "Node IPAM")]
    pub node_ipam: NodeIpamOptions,

    /// Node health timings.
    #[command(flatten, next_help_heading = "Node lifecycle")]
    pub node_lifecycle: NodeLifecycleOptions,

    /// Signing keys and controller identities.
    #[command(flatten, next_help_heading = "Credentials")]
    pub credentials: CredentialOptions,

    /// Feature gates.
    #[command(flatten, next_help_heading = "Feature gates")]
    pub features: featuregate::Options,

    /// Logging.
    #[command(flatten, next_help_heading = "Logging")]
    pub logs: logs::Options,
}

impl Validate for Options {
    fn validate(&self) -> Result<(), ValidationError> {
        self.control_plane.validate()?;
        self.credentials.validate()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;

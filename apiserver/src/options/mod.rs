//! The flags of `kube-apiserver`, named, grouped and defaulted as upstream's 1.33 API server
//! declares them (`cmd/kube-apiserver/app/options` and the generic control-plane options it
//! builds on). Not every one of upstream's ~300 flags exists yet: those of the systemd units of
//! kubernetes-the-hard-way and of kubeadm's static pod manifest, and their neighbours, do.

mod admission;
mod api_enablement;
mod audit;
mod authentication;
mod authorization;
mod etcd;
mod kubelet_client;
mod misc;
mod server_run;
mod services;
mod validation;

use component_base::serving::{SecureServingOptions, ServingDefaults};
use component_base::{featuregate, logs};

pub use admission::{ADMISSION_PLUGINS, AdmissionOptions, DEFAULT_ENABLED_PLUGINS};
pub use api_enablement::{ApiEnablementOptions, ApiToggle, InvalidApiToggle};
pub use audit::{AuditLogFormat, AuditMode, AuditOptions};
pub use authentication::{AuthenticationOptions, OidcOptions, ServiceAccountOptions, WebhookVersion};
pub use authorization::{AuthorizationMode, AuthorizationOptions};
pub use etcd::{EtcdOptions, InvalidEtcdServer, parse_etcd_server};
pub use kubelet_client::{KubeletClientOptions, NodeAddressType};
pub use misc::MiscOptions;
pub use server_run::ServerRunOptions;
pub use services::{DEFAULT_SERVICE_CLUSTER_IP_RANGE, EndpointReconcilerType, ServiceNetworkOptions};
pub use validation::Error;

/// The API server's serving defaults: HTTPS on 6443, self-signed certificates in /var/run/kubernetes.
#[derive(Debug, Clone, Copy)]
pub struct ApiserverServing;

impl ServingDefaults for ApiserverServing {
    const SECURE_PORT: &'static str = "6443";
    const CERT_DIR: Option<&'static str> = Some("/var/run/kubernetes");
}

/// Every flag of `kube-apiserver`.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "kube-apiserver", version,
          about = "The Kubernetes API server: validates and stores the API objects and serves the REST API every other component works through.")]
pub struct Options {
    /// Identity, limits, timeouts and shutdown.
    #[command(flatten, next_help_heading = "Generic")]
    pub server_run: ServerRunOptions,

    /// Storage in etcd.
    #[command(flatten, next_help_heading = "Etcd")]
    pub etcd: EtcdOptions,

    /// The HTTPS listener.
    #[command(flatten, next_help_heading = "Secure serving")]
    pub secure_serving: SecureServingOptions<ApiserverServing>,

    /// Auditing.
    #[command(flatten, next_help_heading = "Auditing")]
    pub audit: AuditOptions,

    /// Feature gates.
    #[command(flatten, next_help_heading = "Features")]
    pub features: featuregate::Options,

    /// Who sent a request.
    #[command(flatten, next_help_heading = "Authentication")]
    pub authentication: AuthenticationOptions,

    /// What a request may do.
    #[command(flatten, next_help_heading = "Authorization")]
    pub authorization: AuthorizationOptions,

    /// Which built-in APIs are served.
    #[command(flatten, next_help_heading = "API enablement")]
    pub api_enablement: ApiEnablementOptions,

    /// Admission plugins.
    #[command(flatten, next_help_heading = "Admission")]
    pub admission: AdmissionOptions,

    /// Service cluster IPs and node ports.
    #[command(flatten, next_help_heading = "Services")]
    pub services: ServiceNetworkOptions,

    /// Calls to kubelets.
    #[command(flatten, next_help_heading = "Kubelet client")]
    pub kubelet_client: KubeletClientOptions,

    /// Everything else.
    #[command(flatten, next_help_heading = "Misc")]
    pub misc: MiscOptions,

    /// Logging.
    #[command(flatten, next_help_heading = "Logging")]
    pub logs: logs::Options,
}

#[cfg(test)]
mod tests;

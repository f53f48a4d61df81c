//! The flags of `kubelet`, named and defaulted as upstream's 1.33 kubelet declares them
//! (`cmd/kubelet/app/options`). Upstream deprecates most of them in favour of the
//! KubeletConfiguration file given with --config, but still honours them over it.

mod registration;

use std::net::IpAddr;
use std::path::PathBuf;

use component_base::authentication::ClientCertOptions;
use component_base::cli::{Validate, ValidationError};
use component_base::duration::GoDuration;
use component_base::serving::{ServingCertOptions, ServingDefaults};
use component_base::{featuregate, kubeconfig, logs};

pub use registration::{Error, InvalidTaint, RegistrationOptions, Taint, TaintEffect};

/// The kubelet's serving defaults: HTTPS on 10250, certificates under /var/lib/kubelet/pki.
#[derive(Debug, Clone, Copy)]
pub struct KubeletServing;

impl ServingDefaults for KubeletServing {
    const SECURE_PORT: &'static str = "10250";
    const CERT_DIR: Option<&'static str> = Some("/var/lib/kubelet/pki");
}

/// The cgroup manager the kubelet drives, which must match the container runtime's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CgroupDriver {
    /// Write the cgroup filesystem directly.
    Cgroupfs,
    /// Ask systemd to create the cgroups.
    Systemd,
}

/// How the kubelet's own API authorizes requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthorizationMode {
    /// Allow every authenticated request.
    #[value(name = "AlwaysAllow")]
    AlwaysAllow,
    /// Ask the API server with a SubjectAccessReview.
    #[value(name = "Webhook")]
    Webhook,
}

/// The kubelet's own HTTPS API and who may call it.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerOptions {
    /// IP address the kubelet API listens on; 0.0.0.0 or :: for every interface.
    #[arg(long = "address", value_name = "ip", default_value = "0.0.0.0")]
    pub address: IpAddr,

    /// Port of the kubelet API.
    #[arg(long = "port", value_name = "int32", default_value = KubeletServing::SECURE_PORT)]
    pub port: u16,

    /// IP address of the healthz endpoint.
    #[arg(long = "healthz-bind-address", value_name = "ip", default_value = "127.0.0.1")]
    pub healthz_bind_address: IpAddr,

    /// Port of the healthz endpoint; 0 turns it off.
    #[arg(long = "healthz-port", value_name = "int32", default_value = "10248")]
    pub healthz_port: u16,

    /// Serving certificate.
    #[command(flatten)]
    pub cert: ServingCertOptions<KubeletServing>,

    /// Request a client certificate from the API server and renew it as it nears expiry.
    #[arg(long = "rotate-certificates")]
    pub rotate_certificates: bool,

    /// Client certificate authentication of the kubelet API.
    #[command(flatten)]
    pub client_cert: ClientCertOptions,

    /// Treat requests that no authenticator rejects as user system:anonymous.
    #[arg(long = "anonymous-auth", default_value = "true")]
    pub anonymous_auth: bool,

    /// Check bearer tokens with a TokenReview to the API server.
    #[arg(long = "authentication-token-webhook")]
    pub authentication_token_webhook: bool,

    /// How requests to the kubelet API are authorized.
    #[arg(long = "authorization-mode", value_name = "string", default_value = "AlwaysAllow")]
    pub authorization_mode: AuthorizationMode,
}

/// Every flag of `kubelet`.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "kubelet", version,
          about = "The Kubernetes node agent: registers the node, runs the pods bound to it through the container runtime and reports their status.")]
pub struct Options {
    /// Path to a KubeletConfiguration file (kubelet.config.k8s.io/v1beta1); flags given on the
    /// command line override its settings.
    #[arg(long = "config", value_name = "path")]
    pub config: Option<PathBuf>,

    /// Connection to the API server; without it the kubelet runs standalone.
    #[command(flatten)]
    pub kubeconfig: kubeconfig::Options,

    /// Kubeconfig with a bootstrap token, used to request a client certificate when --kubeconfig
    /// does not exist yet; the resulting kubeconfig is written to --kubeconfig.
    #[arg(long = "bootstrap-kubeconfig", value_name = "path")]
    pub bootstrap_kubeconfig: Option<PathBuf>,

    /// Directory of the kubelet's state (volumes, plugins, pod data).
    #[arg(long = "root-dir", value_name = "path", default_value = "/var/lib/kubelet")]
    pub root_dir: PathBuf,

    /// Endpoint of the CRI runtime service.
    #[arg(long = "container-runtime-endpoint", value_name = "string",
          default_value = "unix:///run/containerd/containerd.sock")]
    pub container_runtime_endpoint: String,

    /// Endpoint of the CRI image service; --container-runtime-endpoint when unset.
    #[arg(long = "image-service-endpoint", value_name = "string")]
    pub image_service_endpoint: Option<String>,

    /// Sandbox image the image garbage collector must keep (deprecated: runtimes name their own).
    #[arg(long = "pod-infra-container-image", value_name = "string", default_value = "registry.k8s.io/pause:3.10")]
    pub pod_infra_container_image: String,

    /// Cgroup manager to use, which must match the container runtime's.
    #[arg(long = "cgroup-driver", value_name = "string", default_value = "cgroupfs")]
    pub cgroup_driver: CgroupDriver,

    /// Refuse to start when swap is on.
    #[arg(long = "fail-swap-on", default_value = "true")]
    pub fail_swap_on: bool,

    /// Directory (or file) of static pod manifests to run without the API server.
    #[arg(long = "pod-manifest-path", value_name = "path")]
    pub pod_manifest_path: Option<PathBuf>,

    /// DNS server IPs written into pods' resolv.conf (comma-separated).
    #[arg(long = "cluster-dns", value_name = "ips", value_delimiter = ',')]
    pub cluster_dns: Vec<IpAddr>,

    /// Cluster domain appended to pods' DNS search paths.
    #[arg(long = "cluster-domain", value_name = "string")]
    pub cluster_domain: Option<String>,

    /// Most pods the node runs.
    #[arg(long = "max-pods", value_name = "int32", default_value = "110")]
    pub max_pods: u32,

    /// Timeout of every CRI call except long-running ones (pull, logs, exec, attach).
    #[arg(long = "runtime-request-timeout", value_name = "duration", default_value = "2m0s")]
    pub runtime_request_timeout: GoDuration,

    /// The Node object.
    #[command(flatten, next_help_heading = "Node registration")]
    pub registration: RegistrationOptions,

    /// The kubelet API.
    #[command(flatten, next_help_heading = "Kubelet API")]
    pub server: ServerOptions,

    /// Feature gates.
    #[command(flatten, next_help_heading = "Feature gates")]
    pub features: featuregate::Options,

    /// Logging.
    #[command(flatten, next_help_heading = "Logging")]
    pub logs: logs::Options,
}

impl Validate for Options {
    fn validate(&self) -> Result<(), ValidationError> {
        self.registration.validate()?;
        self.server.cert.validate()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;

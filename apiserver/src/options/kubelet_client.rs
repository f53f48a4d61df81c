//! How the API server calls kubelets (logs, exec, port-forward, metrics proxying).

use std::path::PathBuf;

use component_base::duration::GoDuration;

/// A kind of Node address, in the order the API server tries them to reach a kubelet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NodeAddressType {
    /// The node's host name.
    #[value(name = "Hostname")]
    Hostname,
    /// A DNS name inside the cluster network.
    #[value(name = "InternalDNS")]
    InternalDns,
    /// An IP inside the cluster network.
    #[value(name = "InternalIP")]
    InternalIp,
    /// A DNS name reachable from outside.
    #[value(name = "ExternalDNS")]
    ExternalDns,
    /// An IP reachable from outside.
    #[value(name = "ExternalIP")]
    ExternalIp,
}

/// The kubelet client flags.
#[derive(Debug, Clone, clap::Args)]
pub struct KubeletClientOptions {
    /// CA bundle that signs the kubelets' serving certificates; they are not verified without it.
    #[arg(long = "kubelet-certificate-authority", value_name = "path")]
    pub kubelet_certificate_authority: Option<PathBuf>,

    /// Client certificate presented to kubelets.
    #[arg(long = "kubelet-client-certificate", value_name = "path")]
    pub kubelet_client_certificate: Option<PathBuf>,

    /// Private key of --kubelet-client-certificate.
    #[arg(long = "kubelet-client-key", value_name = "path")]
    pub kubelet_client_key: Option<PathBuf>,

    /// Node address types to reach kubelets at, most preferred first (comma-separated).
    #[arg(long = "kubelet-preferred-address-types", value_name = "strings", value_delimiter = ',',
          default_value = "Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP")]
    pub kubelet_preferred_address_types: Vec<NodeAddressType>,

    /// Timeout of calls to kubelets.
    #[arg(long = "kubelet-timeout", value_name = "duration", default_value = "5s")]
    pub kubelet_timeout: GoDuration,
}

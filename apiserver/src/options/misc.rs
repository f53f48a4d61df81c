//! The flags upstream files under "misc": event retention, privileged containers, the
//! aggregator's client identity, connection throttling and profiling.

use std::path::PathBuf;

use component_base::duration::GoDuration;

/// The miscellaneous flags.
#[derive(Debug, Clone, clap::Args)]
pub struct MiscOptions {
    /// How long Events are kept.
    #[arg(long = "event-ttl", value_name = "duration", default_value = "1h0m0s")]
    pub event_ttl: GoDuration,

    /// Admit pods with privileged containers.
    #[arg(long = "allow-privileged")]
    pub allow_privileged: bool,

    /// When not 0, throttle each user connection to this many bytes per second (long-running
    /// requests only).
    #[arg(long = "max-connection-bytes-per-sec", value_name = "int", default_value = "0")]
    pub max_connection_bytes_per_sec: u64,

    /// Client certificate the aggregator presents to extension API servers and webhooks; it
    /// must be signed by the CA of --requestheader-client-ca-file.
    #[arg(long = "proxy-client-cert-file", value_name = "path")]
    pub proxy_client_cert_file: Option<PathBuf>,

    /// Private key of --proxy-client-cert-file.
    #[arg(long = "proxy-client-key-file", value_name = "path")]
    pub proxy_client_key_file: Option<PathBuf>,

    /// Route aggregated API requests to endpoint IPs rather than to the Service's cluster IP.
    #[arg(long = "enable-aggregator-routing")]
    pub enable_aggregator_routing: bool,

    /// Do not pass redirects from extension API servers back to clients.
    #[arg(long = "aggregator-reject-forwarding-redirect", default_value = "true")]
    pub aggregator_reject_forwarding_redirect: bool,

    /// EgressSelectorConfiguration file saying how to reach the cluster, etcd and the control plane.
    #[arg(long = "egress-selector-config-file", value_name = "path")]
    pub egress_selector_config_file: Option<PathBuf>,

    /// Serve profiling data at /debug/pprof.
    #[arg(long = "profiling", default_value = "true")]
    pub profiling: bool,

    /// Also profile lock contention, when profiling.
    #[arg(long = "contention-profiling")]
    pub contention_profiling: bool,
}

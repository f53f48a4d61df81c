//! Storage flags: where etcd is, how to reach it, and how objects are kept in it
//! (upstream's `EtcdOptions` and the storage-related generic options).

use std::path::PathBuf;

use component_base::duration::GoDuration;

/// An etcd server address that is not a URL.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid etcd server {0:?}: expected a URL such as https://127.0.0.1:2379")]
pub struct InvalidEtcdServer(pub String);

/// Checks that an `--etcd-servers` item is a URL with a scheme etcd clients speak.
pub fn parse_etcd_server(text: &str) -> Result<String, InvalidEtcdServer> {
    let known_scheme = ["http://", "https://", "unix://", "unixs://"].iter().any(|scheme| text.starts_with(scheme));
    let has_host = text.split_once("://").is_some_and(|(_, rest)| !rest.is_empty());
    if known_scheme && has_host { Ok(text.to_owned()) } else { Err(InvalidEtcdServer(text.to_owned())) }
}

/// The etcd and storage flags.
#[derive(Debug, Clone, clap::Args)]
pub struct EtcdOptions {
    /// etcd servers to connect to, as comma-separated URLs (scheme://ip:port).
    #[arg(long = "etcd-servers", value_name = "strings", value_delimiter = ',', value_parser = parse_etcd_server)]
    pub etcd_servers: Vec<String>,

    /// Per-resource etcd servers, as group/resource#url;url (comma-separated), e.g. /events#http://etcd2:2379.
    #[arg(long = "etcd-servers-overrides", value_name = "strings", value_delimiter = ',')]
    pub etcd_servers_overrides: Vec<String>,

    /// Key prefix under which every object is stored in etcd.
    #[arg(long = "etcd-prefix", value_name = "string", default_value = "/registry")]
    pub etcd_prefix: String,

    /// CA bundle that signs the etcd servers' certificates.
    #[arg(long = "etcd-cafile", value_name = "path")]
    pub etcd_cafile: Option<PathBuf>,

    /// Client certificate presented to etcd.
    #[arg(long = "etcd-certfile", value_name = "path")]
    pub etcd_certfile: Option<PathBuf>,

    /// Private key of --etcd-certfile.
    #[arg(long = "etcd-keyfile", value_name = "path")]
    pub etcd_keyfile: Option<PathBuf>,

    /// How often to ask etcd to compact old revisions; 0 leaves compaction to others.
    #[arg(long = "etcd-compaction-interval", value_name = "duration", default_value = "5m0s")]
    pub etcd_compaction_interval: GoDuration,

    /// How often to count the objects of each resource for metrics; 0 turns it off.
    #[arg(long = "etcd-count-metric-poll-period", value_name = "duration", default_value = "1m0s")]
    pub etcd_count_metric_poll_period: GoDuration,

    /// How often to poll etcd's database size for metrics; 0 turns it off.
    #[arg(long = "etcd-db-metric-poll-interval", value_name = "duration", default_value = "30s")]
    pub etcd_db_metric_poll_interval: GoDuration,

    /// Timeout of the etcd health check.
    #[arg(long = "etcd-healthcheck-timeout", value_name = "duration", default_value = "2s")]
    pub etcd_healthcheck_timeout: GoDuration,

    /// Timeout of the etcd readiness check.
    #[arg(long = "etcd-readycheck-timeout", value_name = "duration", default_value = "2s")]
    pub etcd_readycheck_timeout: GoDuration,

    /// Seconds a lease is reused for the TTLs of objects written at about the same time.
    #[arg(long = "lease-reuse-duration-seconds", value_name = "int", default_value = "60")]
    pub lease_reuse_duration_seconds: u32,

    /// Storage backend; only etcd3 exists.
    #[arg(long = "storage-backend", value_name = "string", value_parser = ["etcd3"])]
    pub storage_backend: Option<String>,

    /// Media type objects are written to storage in.
    #[arg(long = "storage-media-type", value_name = "string", default_value = "application/vnd.kubernetes.protobuf",
          value_parser = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"])]
    pub storage_media_type: String,

    /// EncryptionConfiguration file saying how resources (Secrets, typically) are encrypted at rest.
    #[arg(long = "encryption-provider-config", value_name = "path")]
    pub encryption_provider_config: Option<PathBuf>,

    /// Reload --encryption-provider-config when the file changes.
    #[arg(long = "encryption-provider-config-automatic-reload")]
    pub encryption_provider_config_automatic_reload: bool,

    /// Serve lists and watches from an in-memory cache of etcd.
    #[arg(long = "watch-cache", default_value = "true")]
    pub watch_cache: bool,

    /// Per-resource watch cache sizes, as resource[.group]#size (comma-separated): 0 turns the
    /// cache off for that resource, another number sets how many recent events it keeps.
    #[arg(long = "watch-cache-sizes", value_name = "strings", value_delimiter = ',')]
    pub watch_cache_sizes: Vec<String>,

    /// Workers that delete the members of a collection at once (speeds up namespace deletion).
    #[arg(long = "delete-collection-workers", value_name = "int", default_value = "1")]
    pub delete_collection_workers: u32,

    /// Run the generic garbage collector; must match the controller manager's flag.
    #[arg(long = "enable-garbage-collector", default_value = "true")]
    pub enable_garbage_collector: bool,
}

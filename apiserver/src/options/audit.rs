//! Audit flags: which requests are recorded, and the log file and webhook backends that
//! receive the events (upstream's `AuditOptions`).

use std::path::PathBuf;

use component_base::duration::GoDuration;

/// How a backend receives audit events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditMode {
    /// Buffer events and write them in batches, asynchronously.
    Batch,
    /// Write each event before the response is sent; failures are logged.
    Blocking,
    /// Like blocking, but a failed write at the request-received stage fails the request.
    BlockingStrict,
}

/// The format of the audit log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditLogFormat {
    /// One line of text per event.
    Legacy,
    /// One JSON object per line.
    Json,
}

/// The audit flags.
#[derive(Debug, Clone, clap::Args)]
pub struct AuditOptions {
    /// Audit policy (audit.k8s.io Policy) saying which requests are recorded at which level;
    /// no auditing without it.
    #[arg(long = "audit-policy-file", value_name = "path")]
    pub audit_policy_file: Option<PathBuf>,

    /// File to write audit events to; '-' means standard output.
    #[arg(long = "audit-log-path", value_name = "path")]
    pub audit_log_path: Option<PathBuf>,

    /// Days to keep rotated audit log files; 0 keeps them regardless of age.
    #[arg(long = "audit-log-maxage", value_name = "int", default_value = "0")]
    pub audit_log_maxage: u32,

    /// Rotated audit log files to keep; 0 keeps them all.
    #[arg(long = "audit-log-maxbackup", value_name = "int", default_value = "0")]
    pub audit_log_maxbackup: u32,

    /// Size in megabytes at which the audit log is rotated; 0 never rotates.
    #[arg(long = "audit-log-maxsize", value_name = "int", default_value = "0")]
    pub audit_log_maxsize: u32,

    /// Format of the audit log.
    #[arg(long = "audit-log-format", value_name = "string", default_value = "json")]
    pub audit_log_format: AuditLogFormat,

    /// How the audit log receives events.
    #[arg(long = "audit-log-mode", value_name = "string", default_value = "blocking")]
    pub audit_log_mode: AuditMode,

    /// Gzip rotated audit log files.
    #[arg(long = "audit-log-compress")]
    pub audit_log_compress: bool,

    /// API group and version of the events written to the log.
    #[arg(long = "audit-log-version", value_name = "string", default_value = "audit.k8s.io/v1")]
    pub audit_log_version: String,

    /// Kubeconfig-format file naming the webhook that receives audit events.
    #[arg(long = "audit-webhook-config-file", value_name = "path")]
    pub audit_webhook_config_file: Option<PathBuf>,

    /// How the audit webhook receives events.
    #[arg(long = "audit-webhook-mode", value_name = "string", default_value = "batch")]
    pub audit_webhook_mode: AuditMode,

    /// Wait before retrying the first failed webhook call.
    #[arg(long = "audit-webhook-initial-backoff", value_name = "duration", default_value = "10s")]
    pub audit_webhook_initial_backoff: GoDuration,

    /// API group and version of the events sent to the webhook.
    #[arg(long = "audit-webhook-version", value_name = "string", default_value = "audit.k8s.io/v1")]
    pub audit_webhook_version: String,
}

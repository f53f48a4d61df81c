//! Authorization flags: the chain of authorizers that decide whether an authenticated request
//! may proceed (upstream's `BuiltInAuthorizationOptions`).

use std::path::PathBuf;

use component_base::duration::GoDuration;

use super::authentication::WebhookVersion;

/// One authorizer of the chain, tried in the order given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthorizationMode {
    /// Allow everything.
    #[value(name = "AlwaysAllow")]
    AlwaysAllow,
    /// Deny everything.
    #[value(name = "AlwaysDeny")]
    AlwaysDeny,
    /// Attribute-based policy from --authorization-policy-file.
    #[value(name = "ABAC")]
    Abac,
    /// Ask the webhook of --authorization-webhook-config-file.
    #[value(name = "Webhook")]
    Webhook,
    /// Role-based access control from Role and ClusterRole objects.
    #[value(name = "RBAC")]
    Rbac,
    /// What kubelets may read and write for their own node.
    #[value(name = "Node")]
    Node,
}

/// The authorization flags.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthorizationOptions {
    /// Ordered, comma-separated authorizers; AlwaysAllow unless this or --authorization-config is given.
    #[arg(long = "authorization-mode", value_name = "strings", value_delimiter = ',')]
    pub authorization_mode: Vec<AuthorizationMode>,

    /// AuthorizationConfiguration file describing the authorizer chain (instead of --authorization-mode).
    #[arg(long = "authorization-config", value_name = "path")]
    pub authorization_config: Option<PathBuf>,

    /// ABAC policy file (one JSON object per line), for --authorization-mode=ABAC.
    #[arg(long = "authorization-policy-file", value_name = "path")]
    pub authorization_policy_file: Option<PathBuf>,

    /// Kubeconfig-format file naming the authorization webhook, for --authorization-mode=Webhook.
    #[arg(long = "authorization-webhook-config-file", value_name = "path")]
    pub authorization_webhook_config_file: Option<PathBuf>,

    /// How long to cache the webhook's "allowed" answers.
    #[arg(long = "authorization-webhook-cache-authorized-ttl", value_name = "duration", default_value = "5m0s")]
    pub authorization_webhook_cache_authorized_ttl: GoDuration,

    /// How long to cache the webhook's "denied" answers.
    #[arg(long = "authorization-webhook-cache-unauthorized-ttl", value_name = "duration", default_value = "30s")]
    pub authorization_webhook_cache_unauthorized_ttl: GoDuration,

    /// API version of the SubjectAccessReview sent to the webhook.
    #[arg(long = "authorization-webhook-version", value_name = "string", default_value = "v1beta1")]
    pub authorization_webhook_version: WebhookVersion,
}

impl AuthorizationOptions {
    /// The authorizer chain in effect: the modes given, or AlwaysAllow when neither they nor an
    /// authorization config file are.
    pub fn effective_modes(&self) -> Vec<AuthorizationMode> {
        if self.authorization_mode.is_empty() && self.authorization_config.is_none() {
            vec![AuthorizationMode::AlwaysAllow]
        } else {
            self.authorization_mode.clone()
        }
    }
}

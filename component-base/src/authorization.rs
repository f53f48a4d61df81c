//! Delegated authorization: the controller-manager and scheduler ask the API server
//! (SubjectAccessReview) whether a caller of their secure port may do what it asks.

use std::path::PathBuf;

use crate::duration::GoDuration;

/// The `--authorization-*` flags of a delegating component.
#[derive(Debug, Clone, clap::Args)]
pub struct DelegatingAuthorizationOptions {
    /// Kubeconfig with rights to create subjectaccessreviews.authorization.k8s.io; without it
    /// every request outside --authorization-always-allow-paths is denied.
    #[arg(long = "authorization-kubeconfig", value_name = "path")]
    pub authorization_kubeconfig: Option<PathBuf>,

    /// HTTP paths served to anyone without asking the API server.
    #[arg(long = "authorization-always-allow-paths", value_name = "strings", value_delimiter = ',',
          default_value = "/healthz,/readyz,/livez")]
    pub authorization_always_allow_paths: Vec<String>,

    /// How long to cache an "allowed" answer from the API server.
    #[arg(long = "authorization-webhook-cache-authorized-ttl", value_name = "duration", default_value = "10s")]
    pub authorization_webhook_cache_authorized_ttl: GoDuration,

    /// How long to cache a "denied" answer from the API server.
    #[arg(long = "authorization-webhook-cache-unauthorized-ttl", value_name = "duration", default_value = "10s")]
    pub authorization_webhook_cache_unauthorized_ttl: GoDuration,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        authz: DelegatingAuthorizationOptions,
    }

    #[test]
    fn upstream_defaults() -> Result<(), clap::Error> {
        let o = Cli::try_parse_from(["test"])?.authz;
        assert_eq!(o.authorization_always_allow_paths, ["/healthz", "/readyz", "/livez"]);
        assert_eq!((o.authorization_webhook_cache_authorized_ttl, o.authorization_webhook_cache_unauthorized_ttl), (GoDuration::from_secs(10), GoDuration::from_secs(10)));
        let o = Cli::try_parse_from(["test", "--authorization-always-allow-paths=/healthz", "--authorization-kubeconfig", "/etc/k.conf"])?.authz;
        assert_eq!(o.authorization_always_allow_paths, ["/healthz"]);
        assert_eq!(o.authorization_kubeconfig, Some(PathBuf::from("/etc/k.conf")));
        Ok(())
    }
}

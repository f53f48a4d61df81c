//! The checks upstream's `Validate` makes across flags before the API server starts.

use component_base::cli::{Validate, ValidationError};

use super::{AuthorizationMode, Options};

/// Flags that are each valid but do not fit together.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The secure port cannot be turned off.
    #[error("--secure-port {0} must be between 1 and 65535 (it cannot be switched off with 0)")]
    SecurePortOff(u16),
    /// No storage.
    #[error("--etcd-servers must be specified")]
    NoEtcdServers,
    /// Priority and fairness needs some concurrency to share.
    #[error("--max-requests-inflight plus --max-mutating-requests-inflight must be positive with --enable-priority-and-fairness")]
    NoConcurrency,
    /// Service account tokens need an issuer.
    #[error("--service-account-issuer is a required flag")]
    NoServiceAccountIssuer,
    /// Service account tokens need a signing key.
    #[error("--service-account-signing-key-file and --service-account-issuer are required flags")]
    NoServiceAccountSigningKey,
    /// Service account tokens need verification keys.
    #[error("--service-account-key-file is a required flag (or --tls-private-key-file to fall back on)")]
    NoServiceAccountKeyFile,
    /// Two ways of configuring authorization at once.
    #[error("--authorization-config and --authorization-mode cannot be used together")]
    AuthorizationConfigAndMode,
    /// An authorizer named twice.
    #[error("--authorization-mode names {0:?} more than once")]
    RepeatedAuthorizationMode(AuthorizationMode),
    /// ABAC without a policy, or a policy without ABAC.
    #[error("--authorization-policy-file is required by, and only used with, --authorization-mode=ABAC")]
    AbacPolicyMismatch,
    /// Webhook without a webhook, or a webhook without the mode.
    #[error("--authorization-webhook-config-file is required by, and only used with, --authorization-mode=Webhook")]
    WebhookConfigMismatch,
    /// The `kubernetes` Service's node port must be a node port.
    #[error("--kubernetes-service-node-port {port} is outside --service-node-port-range {range}")]
    KubernetesNodePortOutOfRange {
        /// The port given.
        port: u16,
        /// The node port range, as given.
        range: String,
    },
}

impl Options {
    fn validate_service_accounts(&self) -> Result<(), Error> {
        let accounts = &self.authentication.service_accounts;
        if accounts.service_account_issuer.is_empty() {
            return Err(Error::NoServiceAccountIssuer);
        }
        if accounts.service_account_signing_key_file.is_none() {
            return Err(Error::NoServiceAccountSigningKey);
        }
        if accounts.service_account_key_file.is_empty() && self.secure_serving.cert.tls_private_key_file.is_none() {
            return Err(Error::NoServiceAccountKeyFile);
        }
        Ok(())
    }

    fn validate_authorization(&self) -> Result<(), Error> {
        let authz = &self.authorization;
        if authz.authorization_config.is_some() && !authz.authorization_mode.is_empty() {
            return Err(Error::AuthorizationConfigAndMode);
        }
        for (index, mode) in authz.authorization_mode.iter().enumerate() {
            if authz.authorization_mode[..index].contains(mode) {
                return Err(Error::RepeatedAuthorizationMode(*mode));
            }
        }
        let modes = authz.effective_modes();
        if modes.contains(&AuthorizationMode::Abac) != authz.authorization_policy_file.is_some() {
            return Err(Error::AbacPolicyMismatch);
        }
        if authz.authorization_config.is_none()
            && modes.contains(&AuthorizationMode::Webhook) != authz.authorization_webhook_config_file.is_some()
        {
            return Err(Error::WebhookConfigMismatch);
        }
        Ok(())
    }

    fn validate_serving(&self) -> Result<(), Error> {
        let server = &self.server_run;
        if self.secure_serving.secure_port == 0 {
            return Err(Error::SecurePortOff(0));
        }
        if self.etcd.etcd_servers.is_empty() {
            return Err(Error::NoEtcdServers);
        }
        if server.enable_priority_and_fairness && server.max_requests_inflight + server.max_mutating_requests_inflight == 0 {
            return Err(Error::NoConcurrency);
        }
        let services = &self.services;
        let port = services.kubernetes_service_node_port;
        if port != 0 && !services.service_node_port_range.contains(port) {
            return Err(Error::KubernetesNodePortOutOfRange { port, range: services.service_node_port_range.to_string() });
        }
        Ok(())
    }
}

impl Validate for Options {
    fn validate(&self) -> Result<(), ValidationError> {
        self.secure_serving.validate()?;
        self.validate_serving()?;
        self.validate_service_accounts()?;
        self.validate_authorization()?;
        Ok(())
    }
}

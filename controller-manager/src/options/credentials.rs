//! The keys and identities the controller manager works with: the cluster CA that signs
//! approved CertificateSigningRequests, the key that signs service account tokens, and the
//! credentials each controller uses.

use std::path::PathBuf;

use component_base::duration::GoDuration;

/// Inconsistent credential flags.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// Only one half of the cluster signing pair was given.
    #[error("--cluster-signing-cert-file and --cluster-signing-key-file must be given together")]
    HalfSigningPair,
}

/// The certificate, token and identity flags.
#[derive(Debug, Clone, clap::Args)]
pub struct CredentialOptions {
    /// PEM cluster CA certificate used to issue certificates for approved CSRs.
    #[arg(long = "cluster-signing-cert-file", value_name = "path")]
    pub cluster_signing_cert_file: Option<PathBuf>,

    /// PEM private key of --cluster-signing-cert-file.
    #[arg(long = "cluster-signing-key-file", value_name = "path")]
    pub cluster_signing_key_file: Option<PathBuf>,

    /// Longest validity of a signed certificate; a CSR's expirationSeconds may ask for less.
    #[arg(long = "cluster-signing-duration", value_name = "duration", default_value = "8760h0m0s")]
    pub cluster_signing_duration: GoDuration,

    /// CA bundle written into service account token Secrets as ca.crt.
    #[arg(long = "root-ca-file", value_name = "path")]
    pub root_ca_file: Option<PathBuf>,

    /// PEM private key that signs legacy service account tokens.
    #[arg(long = "service-account-private-key-file", value_name = "path")]
    pub service_account_private_key_file: Option<PathBuf>,

    /// Run each controller under its own service account rather than the controller manager's identity.
    #[arg(long = "use-service-account-credentials")]
    pub use_service_account_credentials: bool,
}

impl CredentialOptions {
    /// Checks that the signing certificate and key come as a pair.
    pub fn validate(&self) -> Result<(), Error> {
        if self.cluster_signing_cert_file.is_some() == self.cluster_signing_key_file.is_some() {
            Ok(())
        } else {
            Err(Error::HalfSigningPair)
        }
    }
}

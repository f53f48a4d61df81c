//! Kubeconfig files in the format kubectl reads and writes, built on `kube-client`'s types.
//!
//! ```no_run
//! use component_client::kubeconfig::{self, ClientCertificate};
//! let config = kubeconfig::for_client_certificate(&ClientCertificate {
//!     cluster_name: "kubernetes",
//!     server: "https://10.0.0.10:6443",
//!     ca_pem: "-----BEGIN CERTIFICATE-----\n...",
//!     user: "kubernetes-admin",
//!     cert_pem: "-----BEGIN CERTIFICATE-----\n...",
//!     key_pem: "-----BEGIN PRIVATE KEY-----\n...",
//! });
//! println!("{}", kubeconfig::to_yaml(&config).unwrap());
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
pub use kube_client::config::Kubeconfig;
use kube_client::config::{AuthInfo, Cluster, Context, NamedAuthInfo, NamedCluster, NamedContext};

/// Errors from reading or writing kubeconfig files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not a kubeconfig.
    #[error("failed to parse kubeconfig: {0}")]
    Parse(String),
    /// Serialising to YAML failed.
    #[error("failed to serialize kubeconfig: {0}")]
    Serialize(String),
    /// The kubeconfig lacks something the caller needs.
    #[error("kubeconfig is incomplete: {0}")]
    Incomplete(String),
}

/// A `Result` with this module's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One user authenticating to one cluster with an embedded client certificate.
#[derive(Debug, Clone, Copy)]
pub struct ClientCertificate<'a> {
    /// The cluster entry's name (kubeadm: `kubernetes`).
    pub cluster_name: &'a str,
    /// The apiserver URL.
    pub server: &'a str,
    /// The cluster CA certificate, PEM.
    pub ca_pem: &'a str,
    /// The user entry's name.
    pub user: &'a str,
    /// The client certificate, PEM.
    pub cert_pem: &'a str,
    /// The client key, PEM.
    pub key_pem: &'a str,
}

/// Builds a single-context kubeconfig as kubeadm writes it: context `<user>@<cluster>`.
pub fn for_client_certificate(params: &ClientCertificate<'_>) -> Kubeconfig {
    let context_name = format!("{}@{}", params.user, params.cluster_name);
    Kubeconfig {
        api_version: Some("v1".into()),
        kind: Some("Config".into()),
        clusters: vec![NamedCluster {
            name: params.cluster_name.into(),
            cluster: Some(Cluster {
                server: Some(params.server.into()),
                certificate_authority_data: Some(STANDARD.encode(params.ca_pem)),
                ..Cluster::default()
            }),
            other: Default::default(),
        }],
        auth_infos: vec![NamedAuthInfo {
            name: params.user.into(),
            auth_info: Some(AuthInfo {
                client_certificate_data: Some(STANDARD.encode(params.cert_pem)),
                client_key_data: Some(STANDARD.encode(params.key_pem).into()),
                ..AuthInfo::default()
            }),
            other: Default::default(),
        }],
        contexts: vec![NamedContext {
            name: context_name.clone(),
            context: Some(Context { cluster: params.cluster_name.into(), user: Some(params.user.into()), ..Context::default() }),
            other: Default::default(),
        }],
        current_context: Some(context_name),
        ..Kubeconfig::default()
    }
}

/// Serialises to YAML.
pub fn to_yaml(config: &Kubeconfig) -> Result<String> {
    serde_saphyr::to_string(config).map_err(|e| Error::Serialize(e.to_string()))
}

/// Parses YAML (or JSON) kubeconfig text.
pub fn from_yaml(text: &str) -> Result<Kubeconfig> {
    Kubeconfig::from_yaml(text).map_err(|e| Error::Parse(e.to_string()))
}

/// The current context's cluster and user, with embedded data decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    /// The apiserver URL.
    pub server: String,
    /// The embedded cluster CA, PEM.
    pub ca_pem: String,
    /// The embedded client certificate, PEM.
    pub cert_pem: String,
}

/// Resolves the current context to its server, CA and client certificate.
pub fn current(config: &Kubeconfig) -> Result<Current> {
    let incomplete = |what: String| Error::Incomplete(what);
    let context_name = config.current_context.as_deref().ok_or_else(|| incomplete("no current-context".into()))?;
    let context = config
        .contexts
        .iter()
        .find(|c| c.name == context_name)
        .and_then(|c| c.context.as_ref())
        .ok_or_else(|| incomplete(format!("context {context_name:?} is not defined")))?;
    let cluster = config
        .clusters
        .iter()
        .find(|c| c.name == context.cluster)
        .and_then(|c| c.cluster.as_ref())
        .ok_or_else(|| incomplete(format!("cluster {:?} is not defined", context.cluster)))?;
    let user_name = context.user.as_deref().unwrap_or_default();
    let user = config
        .auth_infos
        .iter()
        .find(|u| u.name == user_name)
        .and_then(|u| u.auth_info.as_ref())
        .ok_or_else(|| incomplete(format!("user {user_name:?} is not defined")))?;
    let decode = |field: &str, data: Option<&String>| -> Result<String> {
        let data = data.ok_or_else(|| incomplete(format!("{field} is not embedded")))?;
        let bytes = STANDARD.decode(data.trim()).map_err(|e| Error::Parse(format!("{field}: {e}")))?;
        String::from_utf8(bytes).map_err(|e| Error::Parse(format!("{field}: {e}")))
    };
    Ok(Current {
        server: cluster.server.clone().ok_or_else(|| incomplete(format!("cluster {:?} has no server", context.cluster)))?,
        ca_pem: decode("certificate-authority-data", cluster.certificate_authority_data.as_ref())?,
        cert_pem: decode("client-certificate-data", user.client_certificate_data.as_ref())?,
    })
}

/// Replaces the current context user's embedded client certificate and key (certificate renewal).
pub fn replace_client_certificate(config: &mut Kubeconfig, cert_pem: &str, key_pem: &str) -> Result<()> {
    let context_name = config.current_context.clone().ok_or_else(|| Error::Incomplete("no current-context".into()))?;
    let user_name = config
        .contexts
        .iter()
        .find(|c| c.name == context_name)
        .and_then(|c| c.context.as_ref())
        .and_then(|c| c.user.clone())
        .ok_or_else(|| Error::Incomplete(format!("context {context_name:?} names no user")))?;
    let user = config
        .auth_infos
        .iter_mut()
        .find(|u| u.name == user_name)
        .and_then(|u| u.auth_info.as_mut())
        .ok_or_else(|| Error::Incomplete(format!("user {user_name:?} is not defined")))?;
    user.client_certificate_data = Some(STANDARD.encode(cert_pem));
    user.client_key_data = Some(STANDARD.encode(key_pem).into());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Kubeconfig {
        for_client_certificate(&ClientCertificate {
            cluster_name: "kubernetes",
            server: "https://10.0.0.1:6443",
            ca_pem: "CA",
            user: "system:kube-scheduler",
            cert_pem: "CERT",
            key_pem: "KEY",
        })
    }

    #[test]
    fn round_trips_and_resolves_the_current_context() -> Result<()> {
        let yaml = to_yaml(&sample())?;
        assert!(yaml.contains("current-context: system:kube-scheduler@kubernetes"), "{yaml}");
        assert!(yaml.contains("client-key-data:"), "the key must be written, not redacted: {yaml}");
        let current = current(&from_yaml(&yaml)?)?;
        assert_eq!(
            current,
            Current { server: "https://10.0.0.1:6443".into(), ca_pem: "CA".into(), cert_pem: "CERT".into() }
        );
        Ok(())
    }

    #[test]
    fn replacing_the_certificate_keeps_the_rest() -> Result<()> {
        let mut config = sample();
        replace_client_certificate(&mut config, "NEW", "NEWKEY")?;
        let current = current(&config)?;
        assert_eq!((current.cert_pem.as_str(), current.server.as_str()), ("NEW", "https://10.0.0.1:6443"));
        Ok(())
    }

    #[test]
    fn dangling_context_is_incomplete() {
        let mut config = sample();
        config.current_context = Some("elsewhere".into());
        assert!(matches!(current(&config), Err(Error::Incomplete(_))));
        assert!(matches!(from_yaml("clusters: 7"), Err(Error::Parse(_))));
    }
}

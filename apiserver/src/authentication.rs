//! Who is calling: the user of a verified client certificate (CN → name, O → groups), else
//! the anonymous user, as upstream's x509 and anonymous authenticators decide.

use x509_parser::prelude::{FromDer, X509Certificate};

/// An authenticated (or anonymous) caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user name.
    pub name: String,
    /// The groups, including `system:authenticated` or `system:unauthenticated`.
    pub groups: Vec<String>,
}

impl User {
    /// Upstream's anonymous user.
    pub fn anonymous() -> Self {
        Self { name: "system:anonymous".into(), groups: vec!["system:unauthenticated".into()] }
    }

    /// The user of a client certificate that TLS already verified against the client CA.
    pub fn from_certificate(der: &[u8]) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let subject = cert.subject();
        let name = subject.iter_common_name().next()?.as_str().ok()?.to_owned();
        let mut groups: Vec<String> = subject.iter_organization().filter_map(|o| o.as_str().ok().map(str::to_owned)).collect();
        groups.push("system:authenticated".into());
        Some(Self { name, groups })
    }
}

//! Certificates: what one should say ([`Spec`]), issuing it, and reading an existing one back
//! ([`Info`]) to check or renew it.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use time::{Duration, OffsetDateTime};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::{Error, Result};

/// Lifetime of a CA certificate: ten years, as kubeadm.
pub const CA_VALIDITY: Duration = Duration::days(3650);
/// Lifetime of a leaf certificate: one year, as kubeadm.
pub const LEAF_VALIDITY: Duration = Duration::days(365);
/// How far `notBefore` is set in the past, to tolerate clock skew between machines.
pub const BACKDATE: Duration = Duration::minutes(5);

/// An extended key usage kubeadm puts on its certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Usage {
    /// TLS server authentication.
    ServerAuth,
    /// TLS client authentication.
    ClientAuth,
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Usage::ServerAuth => "serverAuth",
            Usage::ClientAuth => "clientAuth",
        })
    }
}

/// Subject alternative names, split the way kubeadm prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AltNames {
    /// DNS names, in the order given.
    pub dns: Vec<String>,
    /// IP addresses, in the order given.
    pub ips: Vec<IpAddr>,
}

impl AltNames {
    /// Adds a name, as an IP if it parses as one, else as a DNS name; duplicates are dropped.
    pub fn push(&mut self, name: &str) {
        match name.parse::<IpAddr>() {
            Ok(ip) => self.push_ip(ip),
            Err(_) if !self.dns.iter().any(|d| d == name) => self.dns.push(name.to_owned()),
            Err(_) => {}
        }
    }

    /// Adds an IP address unless it is already there.
    pub fn push_ip(&mut self, ip: IpAddr) {
        if !self.ips.contains(&ip) {
            self.ips.push(ip);
        }
    }

    /// Whether there are no names at all.
    pub fn is_empty(&self) -> bool {
        self.dns.is_empty() && self.ips.is_empty()
    }

    fn to_san_types(&self) -> Result<Vec<SanType>> {
        let dns = self.dns.iter().map(|name| {
            name.clone()
                .try_into()
                .map(SanType::DnsName)
                .map_err(|_| Error::Config(format!("{name:?} is neither an IP address nor a valid DNS name")))
        });
        dns.chain(self.ips.iter().map(|ip| Ok(SanType::IpAddress(*ip)))).collect()
    }
}

/// What a certificate must say: subject, names, usages, and whether it is a CA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// Subject common name (CN): the user name for client certificates.
    pub common_name: String,
    /// Subject organizations (O): the groups for client certificates.
    pub organizations: Vec<String>,
    /// Subject alternative names.
    pub alt_names: AltNames,
    /// Extended key usages; empty for CAs.
    pub usages: Vec<Usage>,
    /// Whether this is a certificate authority.
    pub is_ca: bool,
}

impl Spec {
    /// A CA certificate with the given common name, which upstream also puts in a DNS SAN.
    pub fn ca(common_name: &str) -> Self {
        let alt_names = AltNames { dns: vec![common_name.to_owned()], ips: vec![] };
        Self { common_name: common_name.to_owned(), organizations: vec![], alt_names, usages: vec![], is_ca: true }
    }

    /// A leaf certificate with the given common name and usages.
    pub fn leaf(common_name: &str, usages: &[Usage]) -> Self {
        Self { common_name: common_name.to_owned(), organizations: vec![], alt_names: AltNames::default(), usages: usages.to_vec(), is_ca: false }
    }

    /// Sets the organizations.
    pub fn with_organizations(mut self, organizations: &[&str]) -> Self {
        self.organizations = organizations.iter().map(|o| (*o).to_owned()).collect();
        self
    }

    /// Sets the alternative names.
    pub fn with_alt_names(mut self, alt_names: AltNames) -> Self {
        self.alt_names = alt_names;
        self
    }

    fn params(&self, now: OffsetDateTime) -> Result<CertificateParams> {
        let mut params = CertificateParams::default();
        let mut subject = DistinguishedName::new();
        for org in &self.organizations {
            subject.push(DnType::OrganizationName, org.as_str());
        }
        subject.push(DnType::CommonName, self.common_name.as_str());
        params.distinguished_name = subject;
        params.subject_alt_names = self.alt_names.to_san_types()?;
        params.not_before = now - BACKDATE;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        if self.is_ca {
            params.not_after = now + CA_VALIDITY;
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages.push(KeyUsagePurpose::KeyCertSign);
        } else {
            params.not_after = now + LEAF_VALIDITY;
            params.is_ca = IsCa::ExplicitNoCa;
            params.use_authority_key_identifier_extension = true;
            params.extended_key_usages = self.usages.iter().map(|u| match u {
                Usage::ServerAuth => ExtendedKeyUsagePurpose::ServerAuth,
                Usage::ClientAuth => ExtendedKeyUsagePurpose::ClientAuth,
            }).collect();
        }
        Ok(params)
    }

    /// Issues a self-signed CA certificate for `key`, returned as PEM.
    pub fn self_sign(&self, key: &KeyPair) -> Result<String> {
        let cert = self.params(OffsetDateTime::now_utc())?.self_signed(key);
        Ok(cert.map_err(Error::crypto(format!("self-sign {}", self.common_name)))?.pem())
    }

    /// Issues a certificate for `key` signed by `ca`, returned as PEM.
    pub fn sign(&self, key: &KeyPair, ca: &Authority) -> Result<String> {
        let issuer = Issuer::from_ca_cert_der(&ca.der.as_slice().into(), &ca.key)
            .map_err(Error::crypto(format!("load CA {}", ca.path.display())))?;
        let cert = self.params(OffsetDateTime::now_utc())?.signed_by(key, &issuer);
        Ok(cert.map_err(Error::crypto(format!("sign {}", self.common_name)))?.pem())
    }
}

/// A CA that can sign: its certificate and private key.
pub struct Authority {
    der: Vec<u8>,
    key: KeyPair,
    path: std::path::PathBuf,
}

impl Authority {
    /// Builds an authority from a PEM certificate and its key; `path` names the certificate in errors.
    pub fn new(cert_pem: &str, key: KeyPair, path: &Path) -> Result<Self> {
        let der = pem_to_der(cert_pem, path)?;
        let info = Info::from_der(&der, path)?;
        if !info.is_ca {
            return Err(Error::Mismatch { path: path.to_owned(), reason: "it is not a CA certificate".into() });
        }
        Ok(Self { der, key, path: path.to_owned() })
    }

    /// What the CA certificate says.
    pub fn info(&self) -> Result<Info> {
        Info::from_der(&self.der, &self.path)
    }
}

/// Decodes the first `CERTIFICATE` block of a PEM text.
pub fn pem_to_der(pem: &str, path: &Path) -> Result<Vec<u8>> {
    let parse_error = |reason: String| Error::Parse { path: path.to_owned(), reason };
    let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).map_err(|e| parse_error(format!("not PEM: {e}")))?;
    if block.label != "CERTIFICATE" {
        return Err(parse_error(format!("expected a CERTIFICATE block, found {}", block.label)));
    }
    Ok(block.contents)
}

/// What an existing certificate says, read back with x509-parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The DER encoding, kept to check signatures.
    pub der: Vec<u8>,
    /// Subject common name.
    pub common_name: String,
    /// Subject organizations.
    pub organizations: Vec<String>,
    /// Subject alternative names.
    pub alt_names: AltNames,
    /// Extended key usages kubeadm knows about.
    pub usages: Vec<Usage>,
    /// Whether basic constraints mark it a CA.
    pub is_ca: bool,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity.
    pub not_after: OffsetDateTime,
    /// The subject public key bits, to match the certificate with its private key.
    pub public_key: Vec<u8>,
}

impl Info {
    /// Parses a PEM certificate; `path` names it in errors.
    pub fn from_pem(pem: &str, path: &Path) -> Result<Self> {
        Self::from_der(&pem_to_der(pem, path)?, path)
    }

    /// Parses a DER certificate; `path` names it in errors.
    pub fn from_der(der: &[u8], path: &Path) -> Result<Self> {
        let parse_error = |reason: String| Error::Parse { path: path.to_owned(), reason };
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| parse_error(format!("not an X.509 certificate: {e}")))?;
        let strings = |values: Vec<&str>| values.into_iter().map(str::to_owned).collect::<Vec<_>>();
        let subject = cert.subject();
        let common_name = strings(subject.iter_common_name().filter_map(|a| a.as_str().ok()).collect()).join(",");
        let organizations = strings(subject.iter_organization().filter_map(|a| a.as_str().ok()).collect());
        let mut alt_names = AltNames::default();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for name in &san.value.general_names {
                match name {
                    GeneralName::DNSName(dns) => alt_names.push(dns),
                    GeneralName::IPAddress(bytes) => {
                        if let Some(ip) = ip_from_bytes(bytes) {
                            alt_names.push_ip(ip);
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut usages = Vec::new();
        if let Ok(Some(eku)) = cert.extended_key_usage() {
            if eku.value.server_auth {
                usages.push(Usage::ServerAuth);
            }
            if eku.value.client_auth {
                usages.push(Usage::ClientAuth);
            }
        }
        let is_ca = cert.basic_constraints().ok().flatten().is_some_and(|bc| bc.value.ca);
        Ok(Self {
            der: der.to_vec(),
            common_name,
            organizations,
            alt_names,
            usages,
            is_ca,
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            public_key: cert.public_key().subject_public_key.data.to_vec(),
        })
    }

    /// Whether `ca` signed this certificate (its signature verifies with the CA's public key).
    pub fn is_signed_by(&self, ca: &Info) -> bool {
        let (Ok((_, cert)), Ok((_, ca))) = (X509Certificate::from_der(&self.der), X509Certificate::from_der(&ca.der)) else {
            return false;
        };
        cert.issuer() == ca.subject() && cert.verify_signature(Some(ca.public_key())).is_ok()
    }

    /// Whether `key` is this certificate's private key.
    pub fn matches_key(&self, key: &KeyPair) -> bool {
        self.public_key == key.public_key_raw()
    }

    /// Whether the certificate has expired.
    pub fn is_expired(&self) -> bool {
        self.not_after <= OffsetDateTime::now_utc()
    }

    /// The spec this certificate was issued from, for renewal with the same identity.
    pub fn to_spec(&self) -> Spec {
        Spec {
            common_name: self.common_name.clone(),
            organizations: self.organizations.clone(),
            alt_names: self.alt_names.clone(),
            usages: self.usages.clone(),
            is_ca: self.is_ca,
        }
    }

    /// Explains how this certificate falls short of `spec`, if it does.
    ///
    /// Extra names or usages are fine (users may add SANs); missing ones are not.
    pub fn shortfall(&self, spec: &Spec) -> Option<String> {
        if self.common_name != spec.common_name {
            return Some(format!("its subject CN is {:?}, expected {:?}", self.common_name, spec.common_name));
        }
        if let Some(org) = spec.organizations.iter().find(|o| !self.organizations.contains(o)) {
            return Some(format!("its subject lacks organization {org:?}"));
        }
        if let Some(dns) = spec.alt_names.dns.iter().find(|d| !self.alt_names.dns.contains(d)) {
            return Some(format!("it is not valid for DNS name {dns:?}"));
        }
        if let Some(ip) = spec.alt_names.ips.iter().find(|ip| !self.alt_names.ips.contains(ip)) {
            return Some(format!("it is not valid for IP address {ip}"));
        }
        if let Some(usage) = spec.usages.iter().find(|u| !self.usages.contains(u)) {
            return Some(format!("it lacks the {usage} extended key usage"));
        }
        (self.is_ca != spec.is_ca).then(|| if spec.is_ca { "it is not a CA".into() } else { "it is a CA, expected a leaf".into() })
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key;

    fn ca() -> Result<(String, Authority)> {
        let key = key::generate()?;
        let pem = Spec::ca("test-ca").self_sign(&key)?;
        let authority = Authority::new(&pem, key, Path::new("ca.crt"))?;
        Ok((pem, authority))
    }

    #[test]
    fn issued_leaf_reads_back_as_specified() -> Result<()> {
        let (ca_pem, ca) = ca()?;
        let mut names = AltNames::default();
        for n in ["kubernetes", "10.96.0.1", "127.0.0.1", "kubernetes"] {
            names.push(n);
        }
        let spec = Spec::leaf("kube-apiserver", &[Usage::ServerAuth]).with_organizations(&["o1"]).with_alt_names(names);
        let pem = spec.sign(&key::generate()?, &ca)?;
        let info = Info::from_pem(&pem, Path::new("apiserver.crt"))?;
        assert_eq!(info.to_spec(), spec);
        assert_eq!(info.shortfall(&spec), None);
        assert!(!info.matches_key(&key::generate()?));
        assert!(!info.is_expired());
        assert!(info.is_signed_by(&Info::from_pem(&ca_pem, Path::new("ca.crt"))?));
        let lifetime = info.not_after - info.not_before;
        assert_eq!(lifetime, LEAF_VALIDITY + BACKDATE);
        Ok(())
    }

    #[test]
    fn ca_is_ten_years_and_not_signed_by_a_stranger() -> Result<()> {
        let (ca_pem, _) = ca()?;
        let (other_pem, _) = ca()?;
        let info = Info::from_pem(&ca_pem, Path::new("ca.crt"))?;
        assert!(info.is_ca);
        assert_eq!(info.not_after - info.not_before, CA_VALIDITY + BACKDATE);
        assert!(info.is_signed_by(&info));
        assert!(!info.is_signed_by(&Info::from_pem(&other_pem, Path::new("other.crt"))?));
        Ok(())
    }

    #[test]
    fn shortfall_names_what_is_missing() -> Result<()> {
        let (_, ca) = ca()?;
        let spec = Spec::leaf("etcd", &[Usage::ServerAuth, Usage::ClientAuth]);
        let info = Info::from_pem(&spec.sign(&key::generate()?, &ca)?, Path::new("x"))?;
        let mut wants_ip = spec.clone();
        wants_ip.alt_names.push("192.0.2.7");
        assert_eq!(info.shortfall(&wants_ip).as_deref(), Some("it is not valid for IP address 192.0.2.7"));
        let wants_other_cn = Spec::leaf("other", &[]);
        assert!(info.shortfall(&wants_other_cn).is_some_and(|r| r.contains("CN")));
        Ok(())
    }

    #[test]
    fn rejects_non_pem_and_leaf_as_authority() -> Result<()> {
        assert!(matches!(Info::from_pem("junk", Path::new("x")), Err(Error::Parse { .. })));
        let (_, ca) = ca()?;
        let leaf = Spec::leaf("leaf", &[Usage::ClientAuth]).sign(&key::generate()?, &ca)?;
        assert!(matches!(Authority::new(&leaf, key::generate()?, Path::new("l")), Err(Error::Mismatch { .. })));
        Ok(())
    }
}

//! `kubeadm certs renew`: reissue a certificate with the same identity, names and usages,
//! a new key and a fresh one-year validity, signed by the local CA.

use component_client::kubeconfig;

use crate::catalog::{self, Leaf};
use crate::cert::Info;
use crate::certs::{self, LoadedCa, cert_path};
use crate::files::{self, SECRET_MODE, Staged};
use crate::kubeconfigs::{self, ENTRIES, Entry};
use crate::{Config, Error, Result, key};

/// The names `kubeadm certs renew` accepts (besides `all`), sorted.
pub fn renewable() -> Vec<&'static str> {
    let leaves = catalog::LEAVES.iter().map(|l| l.name);
    let mut names: Vec<&str> = leaves.chain(ENTRIES.iter().filter(|e| e.description.is_some()).map(|e| e.file)).collect();
    names.sort_unstable();
    names
}

/// What renewing one certificate did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Reissued; the description says what the certificate is for.
    Renewed(&'static str),
    /// Left alone: its CA's key is absent, so whoever manages that CA must renew it.
    ExternalCa {
        /// The CA's file base name (`etcd/ca`).
        ca: &'static str,
        /// What the certificate is for.
        description: &'static str,
    },
}

impl std::fmt::Display for Outcome {
    /// The line kubeadm prints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Renewed(description) => write!(f, "{description} renewed"),
            Outcome::ExternalCa { ca, description } => write!(f, "Detected external {ca}, {description} can't be renewed"),
        }
    }
}

/// Renews one certificate by name.
pub fn renew(config: &Config, name: &str) -> Result<Outcome> {
    if let Some(leaf) = catalog::leaf(name) {
        return renew_leaf(config, leaf);
    }
    match kubeconfigs::entry(name) {
        Some(entry @ Entry { description: Some(description), .. }) if entry.file == name => {
            renew_kubeconfig(config, entry)?;
            Ok(Outcome::Renewed(description))
        }
        _ => Err(Error::UnknownName { name: name.to_owned(), known: renewable().join(", ") }),
    }
}

fn renew_leaf(config: &Config, leaf: &Leaf) -> Result<Outcome> {
    let dir = &config.cert_dir;
    let path = cert_path(dir, leaf.base);
    let pem = files::read_optional(&path)?.ok_or(Error::Missing { path: path.clone(), hint: "there is nothing to renew" })?;
    let current = Info::from_pem(&pem, &path)?;
    let signer = match certs::load_ca(dir, leaf.ca)? {
        Some(LoadedCa { authority: Some(authority), .. }) => authority,
        Some(LoadedCa { authority: None, .. }) => return Ok(Outcome::ExternalCa { ca: leaf.ca.base, description: leaf.description }),
        None => {
            let path = cert_path(dir, leaf.ca.base);
            return Err(Error::Missing { path, hint: "renewal needs the CA certificate and key" });
        }
    };
    let key = key::generate()?;
    let renewed = current.to_spec().sign(&key, &signer)?;
    let mut staged = Staged::new();
    certs::stage_pair(&mut staged, dir, leaf.base, &renewed, &key)?;
    staged.commit()?;
    Ok(Outcome::Renewed(leaf.description))
}

fn renew_kubeconfig(config: &Config, entry: &Entry) -> Result<()> {
    let path = entry.path(config);
    let (mut document, _, current) =
        kubeconfigs::read(&path)?.ok_or(Error::Missing { path: path.clone(), hint: "there is nothing to renew" })?;
    let (_, signer) = kubeconfigs::signing_ca(config)?;
    let key = key::generate()?;
    let renewed = current.to_spec().sign(&key, &signer)?;
    let as_parse_error = |e: kubeconfig::Error| Error::Parse { path: path.clone(), reason: e.to_string() };
    kubeconfig::replace_client_certificate(&mut document, &renewed, &key.serialize_pem()).map_err(as_parse_error)?;
    let yaml = kubeconfig::to_yaml(&document).map_err(as_parse_error)?;
    let mut staged = Staged::new();
    staged.write(&path, yaml.as_bytes(), SECRET_MODE)?;
    staged.commit()
}

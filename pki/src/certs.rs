//! `kubeadm init phase certs`: make sure the certificate set exists and is right.
//!
//! Existing valid files are reused and never overwritten. Everything on disk is checked
//! first, so a mismatching file stops the run before anything is generated; new files are
//! then generated in memory and renamed into place together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rcgen::{KeyPair, PublicKeyData, SubjectPublicKeyInfo};

use crate::catalog::{self, Ca, Leaf};
use crate::cert::{Authority, Info, Spec};
use crate::files::{self, CERT_MODE, SECRET_MODE, Staged};
use crate::{Config, Error, Event, Result, key};

/// The path of `<base>.crt` under `dir`.
pub fn cert_path(dir: &Path, base: &str) -> PathBuf {
    dir.join(format!("{base}.crt"))
}

/// The path of `<base>.key` under `dir`.
pub fn key_path(dir: &Path, base: &str) -> PathBuf {
    dir.join(format!("{base}.key"))
}

/// A CA found on disk: its certificate, and its key unless it is managed outside the cluster.
pub struct LoadedCa {
    /// What the CA certificate says.
    pub info: Info,
    /// The signing authority, absent for an external CA (certificate without key).
    pub authority: Option<Authority>,
}

/// Loads a CA from the certificate directory; `None` if neither file exists.
pub fn load_ca(dir: &Path, ca: &Ca) -> Result<Option<LoadedCa>> {
    let (crt, key) = (cert_path(dir, ca.base), key_path(dir, ca.base));
    let (cert_pem, key_pem) = (files::read_optional(&crt)?, files::read_optional(&key)?);
    let Some(cert_pem) = cert_pem else {
        return match key_pem {
            Some(_) => Err(Error::Mismatch { path: key, reason: format!("its certificate {} is missing", crt.display()) }),
            None => Ok(None),
        };
    };
    let info = Info::from_pem(&cert_pem, &crt)?;
    if !info.is_ca {
        return Err(Error::Mismatch { path: crt, reason: "it is not a CA certificate".into() });
    }
    if info.is_expired() {
        return Err(Error::Mismatch { path: crt, reason: "the CA certificate has expired".into() });
    }
    let authority = key_pem.map(|pem| signing_key(&pem, &key, &info)).transpose()?;
    let authority = authority.map(|k| Authority::new(&cert_pem, k, &crt)).transpose()?;
    Ok(Some(LoadedCa { info, authority }))
}

fn signing_key(pem: &str, path: &Path, cert: &Info) -> Result<KeyPair> {
    let key = key::from_pem(pem, path)?;
    if !cert.matches_key(&key) {
        return Err(Error::Mismatch { path: path.to_owned(), reason: "it is not the private key of the certificate beside it".into() });
    }
    Ok(key)
}

/// Checks an existing leaf pair against its spec and CA: `Ok(true)` if it can be reused,
/// `Ok(false)` if neither file exists.
pub fn check_leaf(dir: &Path, leaf: &Leaf, spec: &Spec, ca: Option<&Info>) -> Result<bool> {
    let (crt, key) = (cert_path(dir, leaf.base), key_path(dir, leaf.base));
    let (cert_pem, key_pem) = (files::read_optional(&crt)?, files::read_optional(&key)?);
    let (cert_pem, key_pem) = match (cert_pem, key_pem) {
        (None, None) => return Ok(false),
        (Some(_), None) => return Err(Error::Mismatch { path: crt, reason: format!("its key {} is missing", key.display()) }),
        (None, Some(_)) => return Err(Error::Mismatch { path: key, reason: format!("its certificate {} is missing", crt.display()) }),
        (Some(c), Some(k)) => (c, k),
    };
    let info = Info::from_pem(&cert_pem, &crt)?;
    signing_key(&key_pem, &key, &info)?;
    let mismatch = |reason: String| Err(Error::Mismatch { path: crt.clone(), reason });
    if !ca.is_some_and(|ca| info.is_signed_by(ca)) {
        return mismatch(format!("it is not signed by the {} CA ({})", leaf.ca.name, cert_path(dir, leaf.ca.base).display()));
    }
    if let Some(reason) = info.shortfall(spec) {
        return mismatch(reason);
    }
    if info.is_expired() {
        return mismatch(format!("it has expired; renew it with 'kubeadm certs renew {}'", leaf.name));
    }
    Ok(true)
}

/// Ensures the whole set: every CA, every leaf, and the service-account key pair.
pub fn ensure_all(config: &Config, report: &mut dyn FnMut(Event)) -> Result<()> {
    ensure(config, &catalog::phase_names(), report)
}

/// What pass one decided to generate.
enum Generate {
    Ca(&'static Ca),
    Leaf(&'static Leaf, Spec),
    ServiceAccountKeys,
}

/// Ensures the named items (`ca`, `apiserver`, `etcd-ca`, ..., `sa`), in kubeadm's order.
pub fn ensure(config: &Config, names: &[&str], report: &mut dyn FnMut(Event)) -> Result<()> {
    config.validate()?;
    let dir = config.cert_dir.as_path();
    files::ensure_writable_dir(dir)?;
    files::ensure_writable_dir(&dir.join("etcd"))?;
    report(Event::CertDir(dir.to_owned()));

    let mut cas: BTreeMap<&str, Option<LoadedCa>> = BTreeMap::new();
    for ca in catalog::CAS {
        cas.insert(ca.name, load_ca(dir, ca)?);
    }
    let mut steps = Vec::new();
    for name in names {
        if let Some(ca) = catalog::ca(name) {
            match &cas[ca.name] {
                None => steps.push(Generate::Ca(ca)),
                Some(LoadedCa { authority: Some(_), .. }) => report(Event::ReusingCert(ca.base.into())),
                Some(LoadedCa { authority: None, .. }) => report(Event::ExternalCa(ca.base.into())),
            }
        } else if let Some(leaf) = catalog::leaf(name) {
            let spec = leaf.spec(config)?;
            let ca = cas[leaf.ca.name].as_ref();
            if check_leaf(dir, leaf, &spec, ca.map(|c| &c.info))? {
                report(Event::ReusingCert(leaf.base.into()));
                continue;
            }
            let generating_ca = names.contains(&leaf.ca.name) && ca.is_none();
            if !generating_ca && ca.and_then(|c| c.authority.as_ref()).is_none() {
                let path = key_path(dir, leaf.ca.base);
                return Err(Error::Missing { path, hint: "the CA key is needed to sign; create the CA first or provide the certificate" });
            }
            steps.push(Generate::Leaf(leaf, spec));
        } else if *name == catalog::SERVICE_ACCOUNT_BASE {
            if check_service_account_keys(dir)? {
                report(Event::ReusingServiceAccountKeys);
            } else {
                steps.push(Generate::ServiceAccountKeys);
            }
        } else {
            return Err(catalog::unknown(name));
        }
    }

    let mut signers: BTreeMap<&str, Authority> =
        cas.into_iter().filter_map(|(name, ca)| ca.and_then(|c| c.authority).map(|a| (name, a))).collect();
    let mut staged = Staged::new();
    for step in steps {
        match step {
            Generate::Ca(ca) => {
                report(Event::GeneratingCert(ca.base.into()));
                let key = key::generate()?;
                let pem = Spec::ca(ca.common_name).self_sign(&key)?;
                stage_pair(&mut staged, dir, ca.base, &pem, &key)?;
                signers.insert(ca.name, Authority::new(&pem, key, &cert_path(dir, ca.base))?);
            }
            Generate::Leaf(leaf, spec) => {
                report(Event::GeneratingCert(leaf.base.into()));
                let signer = signers.get(leaf.ca.name).ok_or_else(|| Error::Missing {
                    path: key_path(dir, leaf.ca.base),
                    hint: "the CA key is needed to sign",
                })?;
                let key = key::generate()?;
                stage_pair(&mut staged, dir, leaf.base, &spec.sign(&key, signer)?, &key)?;
                if leaf.serving {
                    report(Event::ServingNames(leaf.base.into(), spec.alt_names));
                }
            }
            Generate::ServiceAccountKeys => {
                report(Event::GeneratingServiceAccountKeys);
                let key = key::generate()?;
                staged.write(&key_path(dir, catalog::SERVICE_ACCOUNT_BASE), key.serialize_pem().as_bytes(), SECRET_MODE)?;
                staged.write(&dir.join("sa.pub"), key.public_key_pem().as_bytes(), SECRET_MODE)?;
            }
        }
    }
    staged.commit()
}

/// Stages `<base>.crt` (0644) and `<base>.key` (0600).
pub fn stage_pair(staged: &mut Staged, dir: &Path, base: &str, cert_pem: &str, key: &KeyPair) -> Result<()> {
    staged.write(&key_path(dir, base), key.serialize_pem().as_bytes(), SECRET_MODE)?;
    staged.write(&cert_path(dir, base), cert_pem.as_bytes(), CERT_MODE)
}

fn check_service_account_keys(dir: &Path) -> Result<bool> {
    let (key, public) = (key_path(dir, catalog::SERVICE_ACCOUNT_BASE), dir.join("sa.pub"));
    match (files::read_optional(&key)?, files::read_optional(&public)?) {
        (None, None) => Ok(false),
        (Some(_), None) => Err(Error::Mismatch { path: key, reason: format!("its public key {} is missing", public.display()) }),
        (None, Some(_)) => Err(Error::Mismatch { path: public, reason: format!("its private key {} is missing", key.display()) }),
        (Some(key_pem), Some(public_pem)) => {
            let private = key::from_pem(&key_pem, &key)?;
            let spki = SubjectPublicKeyInfo::from_pem(&public_pem)
                .map_err(|e| Error::Parse { path: public.clone(), reason: format!("not a PEM public key: {e}") })?;
            if spki.der_bytes() != private.public_key_raw() {
                return Err(Error::Mismatch { path: public, reason: format!("it is not the public half of {}", key.display()) });
            }
            Ok(true)
        }
    }
}

//! `kubeadm init phase kubeconfig`: the kubeconfig files of the admin, the control-plane
//! components and the node agents, each with an embedded client certificate signed by the
//! cluster CA. Existing files are reused only if they match the CA, the server and the user.

use std::path::{Path, PathBuf};

use component_client::kubeconfig::{self, ClientCertificate, Kubeconfig};

use crate::catalog::CLUSTER_CA;
use crate::cert::{Authority, Info, Spec, Usage};
use crate::certs::{self, LoadedCa};
use crate::files::{self, SECRET_MODE, Staged};
use crate::{Config, Error, Event, Result, key};

/// One kubeconfig file of the set.
#[derive(Debug)]
pub struct Entry {
    /// The phase name (`admin`, `kubelet`, ...).
    pub name: &'static str,
    /// The file name under the kubeconfig directory.
    pub file: &'static str,
    /// What its certificate is for, as `kubeadm certs renew` words it; `None` if kubeadm does
    /// not renew it (the kubelet rotates its own client certificate).
    pub description: Option<&'static str>,
    /// Whether it talks to this node's apiserver rather than the control-plane endpoint.
    pub local: bool,
    identity: fn(&Config) -> (String, Vec<&'static str>),
}

impl Entry {
    /// The user name (certificate CN) and groups (O) of the file's client certificate.
    pub fn identity(&self, config: &Config) -> (String, Vec<&'static str>) {
        (self.identity)(config)
    }

    /// The path of the file for `config`.
    pub fn path(&self, config: &Config) -> PathBuf {
        config.kubeconfig_dir.join(self.file)
    }

    fn server(&self, config: &Config) -> Result<String> {
        if self.local { Ok(config.local_api_server_url()) } else { config.api_server_url() }
    }
}

/// The kubeconfig files in kubeadm's order, plus kube-proxy's.
pub static ENTRIES: [Entry; 5] = [
    Entry {
        name: "admin",
        file: "admin.conf",
        description: Some("certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself"),
        local: false,
        identity: |_| ("kubernetes-admin".into(), vec!["system:masters"]),
    },
    Entry {
        name: "kubelet",
        file: "kubelet.conf",
        description: None,
        local: false,
        identity: |c| (format!("system:node:{}", c.node_name), vec!["system:nodes"]),
    },
    Entry {
        name: "controller-manager",
        file: "controller-manager.conf",
        description: Some("certificate embedded in the kubeconfig file for the controller manager to use"),
        local: true,
        identity: |_| ("system:kube-controller-manager".into(), vec![]),
    },
    Entry {
        name: "scheduler",
        file: "scheduler.conf",
        description: Some("certificate embedded in the kubeconfig file for the scheduler manager to use"),
        local: true,
        identity: |_| ("system:kube-scheduler".into(), vec![]),
    },
    Entry {
        name: "kube-proxy",
        file: "kube-proxy.conf",
        description: Some("certificate embedded in the kubeconfig file for kube-proxy to use"),
        local: false,
        identity: |_| ("system:kube-proxy".into(), vec![]),
    },
];

/// Finds an entry by phase name (`admin`) or file name (`admin.conf`).
pub fn entry(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name || e.file == name)
}

/// Loads the cluster CA, which must exist with its key to sign client certificates.
pub fn signing_ca(config: &Config) -> Result<(Info, Authority)> {
    match certs::load_ca(&config.cert_dir, &CLUSTER_CA)? {
        Some(LoadedCa { info, authority: Some(authority) }) => Ok((info, authority)),
        Some(LoadedCa { authority: None, .. }) => Err(Error::Missing {
            path: certs::key_path(&config.cert_dir, CLUSTER_CA.base),
            hint: "the CA key is needed to sign client certificates (external CA mode is not supported here)",
        }),
        None => Err(Error::Missing {
            path: certs::cert_path(&config.cert_dir, CLUSTER_CA.base),
            hint: "run 'kubeadm init phase certs ca' first",
        }),
    }
}

/// Reads a kubeconfig file and the client certificate embedded in it; `None` if absent.
pub fn read(path: &Path) -> Result<Option<(Kubeconfig, kubeconfig::Current, Info)>> {
    let Some(text) = files::read_optional(path)? else { return Ok(None) };
    let parse_error = |e: kubeconfig::Error| Error::Parse { path: path.to_owned(), reason: e.to_string() };
    let config = kubeconfig::from_yaml(&text).map_err(parse_error)?;
    let current = kubeconfig::current(&config).map_err(parse_error)?;
    let info = Info::from_pem(&current.cert_pem, path)?;
    Ok(Some((config, current, info)))
}

/// Ensures every kubeconfig file of the set.
pub fn ensure_all(config: &Config, report: &mut dyn FnMut(Event)) -> Result<()> {
    let names: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
    ensure(config, &names, report)
}

/// Ensures the named kubeconfig files (`admin`, `kubelet`, `controller-manager`, `scheduler`, `kube-proxy`).
pub fn ensure(config: &Config, names: &[&str], report: &mut dyn FnMut(Event)) -> Result<()> {
    config.validate()?;
    let selected = names.iter().map(|n| entry(n).ok_or_else(|| unknown(n))).collect::<Result<Vec<_>>>()?;
    files::ensure_writable_dir(&config.kubeconfig_dir)?;
    let (ca_info, ca) = signing_ca(config)?;
    report(Event::KubeconfigDir(config.kubeconfig_dir.clone()));
    let mut to_write = Vec::new();
    for entry in selected {
        if check_existing(config, entry, &ca_info)? {
            report(Event::ReusingKubeconfig(entry.path(config)));
        } else {
            to_write.push(entry);
        }
    }
    let ca_pem = ca_pem(config)?;
    let mut staged = Staged::new();
    for entry in to_write {
        report(Event::WritingKubeconfig(entry.file.into()));
        let (user, groups) = entry.identity(config);
        let key = key::generate()?;
        let cert_pem = Spec::leaf(&user, &[Usage::ClientAuth]).with_organizations(&groups).sign(&key, &ca)?;
        let document = kubeconfig::for_client_certificate(&ClientCertificate {
            cluster_name: &config.cluster_name,
            server: &entry.server(config)?,
            ca_pem: &ca_pem,
            user: &user,
            cert_pem: &cert_pem,
            key_pem: &key.serialize_pem(),
        });
        let path = entry.path(config);
        let yaml = kubeconfig::to_yaml(&document).map_err(|e| Error::Parse { path: path.clone(), reason: e.to_string() })?;
        staged.write(&path, yaml.as_bytes(), SECRET_MODE)?;
    }
    staged.commit()
}

fn ca_pem(config: &Config) -> Result<String> {
    let path = certs::cert_path(&config.cert_dir, CLUSTER_CA.base);
    files::read_optional(&path)?.ok_or(Error::Missing { path, hint: "run 'kubeadm init phase certs ca' first" })
}

/// `Ok(true)` if the existing file can be kept, `Ok(false)` if there is none.
fn check_existing(config: &Config, entry: &Entry, ca: &Info) -> Result<bool> {
    let path = entry.path(config);
    let Some((_, current, info)) = read(&path)? else { return Ok(false) };
    let mismatch = |reason: String| Err(Error::Mismatch { path: path.clone(), reason });
    if Info::from_pem(&current.ca_pem, &path)?.der != ca.der {
        return mismatch(format!("its certificate-authority-data is not {}", certs::cert_path(&config.cert_dir, "ca").display()));
    }
    let server = entry.server(config)?;
    if current.server != server {
        return mismatch(format!("its server is {}, expected {server}", current.server));
    }
    let (user, _) = entry.identity(config);
    if info.common_name != user {
        return mismatch(format!("its client certificate is for {:?}, expected {user:?}", info.common_name));
    }
    if !info.is_signed_by(ca) {
        return mismatch("its client certificate is not signed by the cluster CA".into());
    }
    if info.is_expired() {
        return mismatch(format!("its client certificate has expired; renew it with 'kubeadm certs renew {}'", entry.file));
    }
    Ok(true)
}

fn unknown(name: &str) -> Error {
    let known: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
    Error::UnknownName { name: name.to_owned(), known: known.join(", ") }
}

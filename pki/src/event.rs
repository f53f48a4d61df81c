//! Progress reports of the PKI steps; their `Display` is the line kubeadm prints.

use std::fmt;
use std::path::PathBuf;

use crate::cert::AltNames;

/// One step of generating or reusing PKI files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Certificates go to this directory.
    CertDir(PathBuf),
    /// Kubeconfig files go to this directory.
    KubeconfigDir(PathBuf),
    /// A new key and certificate are being generated for the file base name.
    GeneratingCert(String),
    /// A valid certificate (and key) on disk is kept.
    ReusingCert(String),
    /// A CA certificate without its key is used as is; it cannot sign anything.
    ExternalCa(String),
    /// A serving certificate was issued for these names.
    ServingNames(String, AltNames),
    /// A new service-account key pair is being generated.
    GeneratingServiceAccountKeys,
    /// The service-account key pair on disk is kept.
    ReusingServiceAccountKeys,
    /// A kubeconfig file is being written.
    WritingKubeconfig(String),
    /// A valid kubeconfig file on disk is kept.
    ReusingKubeconfig(PathBuf),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::CertDir(dir) => write!(f, "[certs] Using certificateDir folder {:?}", dir.display().to_string()),
            Event::KubeconfigDir(dir) => write!(f, "[kubeconfig] Using kubeconfig folder {:?}", dir.display().to_string()),
            Event::GeneratingCert(base) => write!(f, "[certs] Generating {base:?} certificate and key"),
            Event::ReusingCert(base) => write!(f, "[certs] Using the existing {base:?} certificate and key"),
            Event::ExternalCa(base) => write!(f, "[certs] Using the existing {base:?} certificate without its key (external CA)"),
            Event::ServingNames(base, names) => {
                let ips: Vec<String> = names.ips.iter().map(ToString::to_string).collect();
                write!(f, "[certs] {base} serving cert is signed for DNS names [{}] and IPs [{}]", names.dns.join(" "), ips.join(" "))
            }
            Event::GeneratingServiceAccountKeys => f.write_str("[certs] Generating \"sa\" key and public key"),
            Event::ReusingServiceAccountKeys => f.write_str("[certs] Using the existing \"sa\" key"),
            Event::WritingKubeconfig(file) => write!(f, "[kubeconfig] Writing {file:?} kubeconfig file"),
            Event::ReusingKubeconfig(path) => {
                write!(f, "[kubeconfig] Using existing kubeconfig file: {:?}", path.display().to_string())
            }
        }
    }
}

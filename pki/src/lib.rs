//! kubeadm's public key infrastructure for ferrokube.
//!
//! The crate produces, checks and renews the certificate set that lets every component talk
//! mTLS: the cluster CA, the front-proxy CA and the etcd CA, their leaf certificates, the
//! service-account signing key pair, and the kubeconfig files of the control-plane components
//! and the node agents. File names, subjects, SANs, usages and lifetimes are upstream's.
//!
//! ```no_run
//! # fn main() -> Result<(), pki::Error> {
//! let config = pki::Config::new("10.0.0.10".parse().unwrap(), "node-1".into());
//! pki::certs::ensure_all(&config, &mut |event| println!("{event}"))?;
//! pki::kubeconfigs::ensure_all(&config, &mut |event| println!("{event}"))?;
//! # Ok(())
//! # }
//! ```

pub mod catalog;
pub mod cert;
pub mod certs;
pub mod config;
mod error;
pub mod event;
pub mod expiration;
pub mod files;
pub mod key;
pub mod kubeconfigs;
pub mod renew;

pub use config::Config;
pub use error::{Error, Result};
pub use event::Event;

//! The crate's error type: every variant names the file it is about and says why.

use std::path::PathBuf;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Errors from generating, checking or renewing PKI files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read, created or written.
    #[error("failed to {action} {path}: {source}")]
    Io {
        /// What was being done, e.g. "create directory".
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A file exists but is not what it should be; nothing was overwritten.
    #[error("existing file {path} cannot be used: {reason}")]
    Mismatch {
        /// The offending file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A file that must exist is absent.
    #[error("{path} does not exist: {hint}")]
    Missing {
        /// The absent file.
        path: PathBuf,
        /// What to do about it.
        hint: &'static str,
    },
    /// A file could not be parsed as the PEM, certificate, key or kubeconfig it should hold.
    #[error("failed to parse {path}: {reason}")]
    Parse {
        /// The unparseable file.
        path: PathBuf,
        /// The parser's complaint.
        reason: String,
    },
    /// Key generation or signing failed inside the crypto library.
    #[error("failed to {action}: {source}")]
    Crypto {
        /// What was being done, e.g. "sign apiserver".
        action: String,
        /// The crypto library's error.
        #[source]
        source: rcgen::Error,
    },
    /// The inputs cannot produce a valid certificate set.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A certificate or kubeconfig name that kubeadm does not manage.
    #[error("unknown certificate {name:?}; known: {known}")]
    UnknownName {
        /// The name given.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
}

impl Error {
    /// Wraps an I/O error with what was being done and where.
    pub fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { action, path, source }
    }

    /// Wraps a crypto library error with what was being done.
    pub fn crypto(action: impl Into<String>) -> impl FnOnce(rcgen::Error) -> Error {
        let action = action.into();
        move |source| Error::Crypto { action, source }
    }
}

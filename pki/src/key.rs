//! Private keys: kubeadm's default RSA-2048, PEM in and out.

use std::path::Path;

use rcgen::{KeyPair, PKCS_RSA_SHA256, RsaKeySize};

use crate::{Error, Result};

/// Generates a fresh RSA-2048 key, kubeadm's default `encryptionAlgorithm`.
pub fn generate() -> Result<KeyPair> {
    KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048).map_err(Error::crypto("generate an RSA-2048 key"))
}

/// Parses a PEM private key (PKCS#8, PKCS#1 or SEC1) read from `path`.
pub fn from_pem(pem: &str, path: &Path) -> Result<KeyPair> {
    KeyPair::from_pem(pem).map_err(|e| Error::Parse { path: path.to_owned(), reason: format!("not a usable private key: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_round_trips_through_pem() -> Result<()> {
        let key = generate()?;
        let pem = key.serialize_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let back = from_pem(&pem, Path::new("k.pem"))?;
        assert_eq!(back.public_key_raw(), key.public_key_raw());
        Ok(())
    }

    #[test]
    fn garbage_is_a_parse_error_naming_the_file() {
        let err = from_pem("not a key", Path::new("/x/ca.key")).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("/x/ca.key")));
    }
}

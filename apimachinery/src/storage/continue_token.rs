//! List continue tokens in upstream's format: base64 of
//! `{"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key relative to the list prefix>"}`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use serde::{Deserialize, Serialize};

use super::{Error, Result};

const VERSION: &str = "meta.k8s.io/v1";

#[derive(Serialize, Deserialize)]
struct Token {
    v: String,
    rv: i64,
    start: String,
}

/// Encodes the position after `last_key` (relative to the list prefix) at `revision`.
pub fn encode(revision: u64, last_key: &str) -> String {
    let token = Token { v: VERSION.into(), rv: i64::try_from(revision).unwrap_or(i64::MAX), start: format!("{last_key}\u{0}") };
    URL_SAFE.encode(serde_json::to_vec(&token).unwrap_or_default())
}

/// Decodes a token into the revision and the key (relative to the list prefix) to resume at.
pub fn decode(text: &str) -> Result<(u64, String)> {
    let invalid = |why: &str| Error::InvalidContinue(why.to_owned());
    let bytes = URL_SAFE.decode(text).map_err(|_| invalid("not base64"))?;
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| invalid("not a continue token"))?;
    if token.v != VERSION {
        return Err(invalid("unsupported version"));
    }
    if token.start.starts_with('/') || token.start.contains("..") {
        return Err(invalid("key escapes the list"));
    }
    let revision = u64::try_from(token.rv).map_err(|_| invalid("negative revision"))?;
    Ok((revision, token.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() -> Result<()> {
        let token = encode(17, "default/web");
        assert_eq!(decode(&token)?, (17, "default/web\u{0}".to_owned()));
        Ok(())
    }

    #[test]
    fn rejects_forged_tokens() {
        for text in ["!!", "e30=", &URL_SAFE.encode(r#"{"v":"meta.k8s.io/v1","rv":1,"start":"/etc"}"#)] {
            assert!(decode(text).is_err(), "{text}");
        }
    }
}

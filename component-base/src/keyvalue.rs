//! `key=value` flag items, as Go's `mapStringString` flags take them (`--node-labels=a=b,c=d`).

use std::fmt;
use std::str::FromStr;

/// An item that is not `key=value`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid item {0:?}: expected key=value")]
pub struct InvalidKeyValue(pub String);

/// One `key=value` item; the value is everything after the first `=` and may be empty.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyValue {
    /// The text before the first `=`, never empty.
    pub key: String,
    /// The text after the first `=`.
    pub value: String,
}

impl FromStr for KeyValue {
    type Err = InvalidKeyValue;

    fn from_str(text: &str) -> Result<Self, InvalidKeyValue> {
        match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                Ok(Self { key: key.trim().to_owned(), value: value.trim().to_owned() })
            }
            _ => Err(InvalidKeyValue(text.to_owned())),
        }
    }
}

impl fmt::Display for KeyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_key_value_items() -> Result<(), InvalidKeyValue> {
        let cases = [("a=b", "a", "b"), ("api/all=true", "api/all", "true"), ("k=", "k", ""), ("k=v=w", "k", "v=w"), (" k = v ", "k", "v")];
        for (text, key, value) in cases {
            assert_eq!(text.parse::<KeyValue>()?, KeyValue { key: key.into(), value: value.into() }, "{text}");
        }
        for text in ["", "novalue", "=v"] {
            assert!(text.parse::<KeyValue>().is_err(), "{text}");
        }
        Ok(())
    }
}

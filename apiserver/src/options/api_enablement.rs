//! The `--runtime-config` flag: built-in API groups and versions switched on or off.

use std::fmt;
use std::str::FromStr;

use component_base::pflag;

/// An item of `--runtime-config` that is not `key[=bool]`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid runtime-config item {0:?}: expected group/version=true|false or api/all|ga|beta|alpha=true|false")]
pub struct InvalidApiToggle(pub String);

/// One API (or class of APIs) switched on or off, like `api/all=true` or `batch/v1=false`; a
/// key alone means true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToggle {
    /// `v1`, `group/version`, or `api/all`, `api/ga`, `api/beta`, `api/alpha`.
    pub key: String,
    /// Whether the APIs are served.
    pub enabled: bool,
}

impl FromStr for ApiToggle {
    type Err = InvalidApiToggle;

    fn from_str(text: &str) -> Result<Self, InvalidApiToggle> {
        let invalid = || InvalidApiToggle(text.to_owned());
        let (key, value) = text.split_once('=').unwrap_or((text, "true"));
        let key = key.trim();
        if key.is_empty() {
            return Err(invalid());
        }
        let enabled = pflag::parse_bool(value.trim()).map_err(|_| invalid())?;
        Ok(Self { key: key.to_owned(), enabled })
    }
}

impl fmt::Display for ApiToggle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.enabled)
    }
}

/// The API enablement flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ApiEnablementOptions {
    /// Built-in APIs to serve or not, as comma-separated key=true|false: v1, group/version
    /// (apps/v1), or api/all, api/ga, api/beta, api/alpha for whole classes.
    #[arg(long = "runtime-config", value_name = "key=bool,...", value_delimiter = ',')]
    pub runtime_config: Vec<ApiToggle>,
}

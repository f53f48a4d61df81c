//! The `--feature-gates` flag: comma-separated `Name=true|false` pairs, optionally prefixed by
//! the component they belong to (`kube:Name=true`), as the control-plane components of 1.33
//! accept them. The gates are not checked against a registry: ferrokube has none yet.

use std::fmt;
use std::str::FromStr;

use crate::keyvalue::{InvalidKeyValue, KeyValue};
use crate::pflag::{self, InvalidBool};

/// The component a gate belongs to when none is named.
pub const DEFAULT_COMPONENT: &str = "kube";

/// Errors from parsing one feature gate setting.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The item is not `Name=value`.
    #[error(transparent)]
    NotKeyValue(#[from] InvalidKeyValue),
    /// The value is not a boolean.
    #[error("feature gate {name}: {source}")]
    NotBool {
        /// The gate's name.
        name: String,
        /// Why the value is not a boolean.
        source: InvalidBool,
    },
}

/// One gate turned on or off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureGate {
    /// The component whose gate this is (`kube` unless named).
    pub component: String,
    /// The gate's name, such as `NodeSwap`.
    pub name: String,
    /// Whether the gate is on.
    pub enabled: bool,
}

impl FromStr for FeatureGate {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let KeyValue { key, value } = text.parse()?;
        let (component, name) = key.split_once(':').unwrap_or((DEFAULT_COMPONENT, &key));
        let enabled = pflag::parse_bool(&value).map_err(|source| Error::NotBool { name: name.to_owned(), source })?;
        Ok(Self { component: component.to_owned(), name: name.to_owned(), enabled })
    }
}

impl fmt::Display for FeatureGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}={}", self.component, self.name, self.enabled)
    }
}

/// The `--feature-gates` flag.
#[derive(Debug, Clone, Default, clap::Args)]
#[group(id = "feature-gates-flags")]
pub struct Options {
    /// Comma-separated Name=true|false pairs that switch alpha, beta or deprecated features on or
    /// off; a component: prefix (default kube) says whose gate it is. May be repeated.
    #[arg(long = "feature-gates", value_name = "[component:]Name=bool,...", value_delimiter = ',')]
    pub feature_gates: Vec<FeatureGate>,
}

impl Options {
    /// The setting of the `kube` gate `name`, the last one given winning; `None` when unset.
    pub fn enabled(&self, name: &str) -> Option<bool> {
        self.feature_gates
            .iter()
            .rev()
            .find(|gate| gate.component == DEFAULT_COMPONENT && gate.name == name)
            .map(|gate| gate.enabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        gates: Options,
    }

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Cli::try_parse_from(std::iter::once("test").chain(args.iter().copied())).map(|cli| cli.gates)
    }

    #[test]
    fn parses_gate_maps() -> Result<(), clap::Error> {
        let gates = parse(&["--feature-gates=A=true,B=false", "--feature-gates", "kube:C=t,wardle:D=1,A=False"])?;
        assert_eq!(gates.enabled("A"), Some(false), "the last setting wins");
        assert_eq!(gates.enabled("B"), Some(false));
        assert_eq!(gates.enabled("C"), Some(true));
        assert_eq!(gates.enabled("D"), None, "another component's gate");
        assert_eq!(gates.feature_gates[3].to_string(), "wardle:D=true");
        assert!(parse(&[])?.feature_gates.is_empty());
        Ok(())
    }

    #[test]
    fn rejects_bad_gates() {
        for bad in ["--feature-gates=A", "--feature-gates=A=yes", "--feature-gates==true"] {
            assert!(parse(&[bad]).is_err(), "{bad}");
        }
    }
}

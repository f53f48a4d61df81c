//! How the kubelet registers its Node object: name, addresses, labels and taints.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use component_base::keyvalue::KeyValue;

/// A taint flag item that is not `key[=value]:Effect`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid taint {0:?}: expected key[=value]:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute")]
pub struct InvalidTaint(pub String);

/// What a taint does to pods that do not tolerate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaintEffect {
    /// New pods are not scheduled onto the node.
    NoSchedule,
    /// The scheduler avoids the node when it can.
    PreferNoSchedule,
    /// Running pods are evicted too.
    NoExecute,
}

/// A taint the kubelet puts on its Node when it registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    /// The taint's key.
    pub key: String,
    /// The taint's value, possibly empty.
    pub value: String,
    /// Its effect.
    pub effect: TaintEffect,
}

impl FromStr for Taint {
    type Err = InvalidTaint;

    fn from_str(text: &str) -> Result<Self, InvalidTaint> {
        let invalid = || InvalidTaint(text.to_owned());
        let (key_value, effect) = text.rsplit_once(':').ok_or_else(invalid)?;
        let effect = match effect {
            "NoSchedule" => TaintEffect::NoSchedule,
            "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
            "NoExecute" => TaintEffect::NoExecute,
            _ => return Err(invalid()),
        };
        let (key, value) = key_value.split_once('=').unwrap_or((key_value, ""));
        if key.is_empty() {
            return Err(invalid());
        }
        Ok(Self { key: key.to_owned(), value: value.to_owned(), effect })
    }
}

impl fmt::Display for Taint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}:{:?}", self.key, self.effect)
        } else {
            write!(f, "{}={}:{:?}", self.key, self.value, self.effect)
        }
    }
}

/// The node registration flags.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistrationOptions {
    /// Create the Node object in the API server on start.
    #[arg(long = "register-node", default_value = "true")]
    pub register_node: bool,

    /// Taints to register the Node with, as key=value:Effect (comma-separated); ignored when
    /// --register-node is false.
    #[arg(long = "register-with-taints", value_name = "taints", value_delimiter = ',')]
    pub register_with_taints: Vec<Taint>,

    /// Labels to register the Node with, as key=value (comma-separated).
    #[arg(long = "node-labels", value_name = "key=value,...", value_delimiter = ',')]
    pub node_labels: Vec<KeyValue>,

    /// The Node's IP address, or an IPv4 and an IPv6 address separated by a comma; the host's
    /// default-route address when unset.
    #[arg(long = "node-ip", value_name = "ips", value_delimiter = ',')]
    pub node_ip: Vec<IpAddr>,

    /// Name of the Node, when it is not the host name.
    #[arg(long = "hostname-override", value_name = "string")]
    pub hostname_override: Option<String>,

    /// The machine's ID in the cloud provider's database.
    #[arg(long = "provider-id", value_name = "string")]
    pub provider_id: Option<String>,
}

/// Inconsistent node registration flags.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// More than two node IPs, or two of one family.
    #[error("--node-ip takes one IP, or an IPv4 and an IPv6 address")]
    NotDualStack,
}

impl RegistrationOptions {
    /// Checks that --node-ip is one address or a dual-stack pair.
    pub fn validate(&self) -> Result<(), Error> {
        match self.node_ip.as_slice() {
            [] | [_] => Ok(()),
            [first, second] if first.is_ipv4() != second.is_ipv4() => Ok(()),
            _ => Err(Error::NotDualStack),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_taints() -> Result<(), InvalidTaint> {
        let taint: Taint = "node-role.kubernetes.io/control-plane:NoSchedule".parse()?;
        assert_eq!((taint.key.as_str(), taint.value.as_str(), taint.effect), ("node-role.kubernetes.io/control-plane", "", TaintEffect::NoSchedule));
        let taint: Taint = "dedicated=gpu:NoExecute".parse()?;
        assert_eq!(taint.to_string(), "dedicated=gpu:NoExecute");
        for bad in ["dedicated=gpu", "dedicated:Sometimes", ":NoSchedule", "=v:NoSchedule", ""] {
            assert!(bad.parse::<Taint>().is_err(), "{bad}");
        }
        Ok(())
    }
}

//! kubeadm's certificate set as a table: three CAs, the leaf certificates each signs, and how
//! each leaf's subject, names and usages follow from the [`Config`].

use crate::cert::{Spec, Usage};
use crate::{Config, Error, Result};

/// A certificate authority of the set.
#[derive(Debug, PartialEq, Eq)]
pub struct Ca {
    /// The name kubeadm's commands use (`ca`, `front-proxy-ca`, `etcd-ca`).
    pub name: &'static str,
    /// The file base name under the certificate directory, without `.crt`/`.key`.
    pub base: &'static str,
    /// The subject common name.
    pub common_name: &'static str,
}

/// A leaf certificate of the set.
#[derive(Debug)]
pub struct Leaf {
    /// The name kubeadm's commands use (`apiserver`, `etcd-server`, ...).
    pub name: &'static str,
    /// The file base name under the certificate directory, without `.crt`/`.key`.
    pub base: &'static str,
    /// The CA that signs it.
    pub ca: &'static Ca,
    /// What it is for, as `kubeadm certs renew` words it.
    pub description: &'static str,
    /// Whether it serves TLS (its SANs get reported).
    pub serving: bool,
    spec: fn(&Config) -> Result<Spec>,
}

impl Leaf {
    /// The certificate this leaf must be for the given cluster.
    pub fn spec(&self, config: &Config) -> Result<Spec> {
        (self.spec)(config)
    }
}

/// The cluster CA (`ca.crt`, CN `kubernetes`).
pub static CLUSTER_CA: Ca = Ca { name: "ca", base: "ca", common_name: "kubernetes" };
/// The front-proxy CA for the aggregation layer.
pub static FRONT_PROXY_CA: Ca = Ca { name: "front-proxy-ca", base: "front-proxy-ca", common_name: "front-proxy-ca" };
/// The etcd CA (`etcd/ca.crt`).
pub static ETCD_CA: Ca = Ca { name: "etcd-ca", base: "etcd/ca", common_name: "etcd-ca" };

/// The CAs in kubeadm's order.
pub static CAS: [&Ca; 3] = [&CLUSTER_CA, &FRONT_PROXY_CA, &ETCD_CA];

/// The group kubeadm gives its cluster-admin client certificates (bound to `cluster-admin` at init).
pub const CLUSTER_ADMINS_GROUP: &str = "kubeadm:cluster-admins";

const SERVER: &[Usage] = &[Usage::ServerAuth];
const CLIENT: &[Usage] = &[Usage::ClientAuth];
const BOTH: &[Usage] = &[Usage::ServerAuth, Usage::ClientAuth];

/// The leaf certificates in kubeadm's order.
pub static LEAVES: [Leaf; 7] = [
    Leaf {
        name: "apiserver",
        base: "apiserver",
        ca: &CLUSTER_CA,
        description: "certificate for serving the Kubernetes API",
        serving: true,
        spec: |c| Ok(Spec::leaf("kube-apiserver", SERVER).with_alt_names(c.apiserver_alt_names()?)),
    },
    Leaf {
        name: "apiserver-kubelet-client",
        base: "apiserver-kubelet-client",
        ca: &CLUSTER_CA,
        description: "certificate for the API server to connect to kubelet",
        serving: false,
        spec: |_| Ok(Spec::leaf("kube-apiserver-kubelet-client", CLIENT).with_organizations(&[CLUSTER_ADMINS_GROUP])),
    },
    Leaf {
        name: "front-proxy-client",
        base: "front-proxy-client",
        ca: &FRONT_PROXY_CA,
        description: "certificate for the front proxy client",
        serving: false,
        spec: |_| Ok(Spec::leaf("front-proxy-client", CLIENT)),
    },
    Leaf {
        name: "etcd-server",
        base: "etcd/server",
        ca: &ETCD_CA,
        description: "certificate for serving etcd",
        serving: true,
        spec: |c| Ok(Spec::leaf(&c.node_name, BOTH).with_alt_names(c.etcd_alt_names())),
    },
    Leaf {
        name: "etcd-peer",
        base: "etcd/peer",
        ca: &ETCD_CA,
        description: "certificate for etcd nodes to communicate with each other",
        serving: true,
        spec: |c| Ok(Spec::leaf(&c.node_name, BOTH).with_alt_names(c.etcd_alt_names())),
    },
    Leaf {
        name: "etcd-healthcheck-client",
        base: "etcd/healthcheck-client",
        ca: &ETCD_CA,
        description: "certificate for liveness probes to healthcheck etcd",
        serving: false,
        spec: |_| Ok(Spec::leaf("kube-etcd-healthcheck-client", CLIENT)),
    },
    Leaf {
        name: "apiserver-etcd-client",
        base: "apiserver-etcd-client",
        ca: &ETCD_CA,
        description: "certificate the apiserver uses to access etcd",
        serving: false,
        spec: |_| Ok(Spec::leaf("kube-apiserver-etcd-client", CLIENT)),
    },
];

/// The service-account key pair's file base name (`sa.key`, `sa.pub`).
pub const SERVICE_ACCOUNT_BASE: &str = "sa";

/// Every name `kubeadm init phase certs` knows, in upstream's order: each CA followed by the
/// leaves it signs, then the service-account keys.
pub fn phase_names() -> Vec<&'static str> {
    let mut names = Vec::new();
    for ca in CAS {
        names.push(ca.name);
        names.extend(LEAVES.iter().filter(|leaf| std::ptr::eq(leaf.ca, ca)).map(|leaf| leaf.name));
    }
    names.push(SERVICE_ACCOUNT_BASE);
    names
}

/// Finds a CA by its command name.
pub fn ca(name: &str) -> Option<&'static Ca> {
    CAS.iter().copied().find(|ca| ca.name == name)
}

/// Finds a leaf by its command name.
pub fn leaf(name: &str) -> Option<&'static Leaf> {
    LEAVES.iter().find(|leaf| leaf.name == name)
}

/// The error for a name that is neither a CA nor a leaf nor `sa`.
pub fn unknown(name: &str) -> Error {
    Error::UnknownName { name: name.to_owned(), known: phase_names().join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_builds_a_spec_with_usages() -> Result<()> {
        let config = Config::new([10, 0, 0, 1].into(), "cp-1".into());
        for leaf in &LEAVES {
            let spec = leaf.spec(&config)?;
            assert!(!spec.usages.is_empty(), "{}", leaf.name);
            assert_eq!(leaf.serving, spec.usages.contains(&Usage::ServerAuth), "{}", leaf.name);
            assert_eq!(leaf.serving, !spec.alt_names.is_empty(), "{}", leaf.name);
        }
        Ok(())
    }

    #[test]
    fn phase_order_is_upstreams() {
        let want = [
            "ca",
            "apiserver",
            "apiserver-kubelet-client",
            "front-proxy-ca",
            "front-proxy-client",
            "etcd-ca",
            "etcd-server",
            "etcd-peer",
            "etcd-healthcheck-client",
            "apiserver-etcd-client",
            "sa",
        ];
        assert_eq!(phase_names(), want);
    }

    #[test]
    fn names_are_unique_and_findable() {
        let mut names: Vec<&str> = CAS.iter().map(|c| c.name).chain(LEAVES.iter().map(|l| l.name)).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CAS.len() + LEAVES.len());
        assert!(leaf("etcd-peer").is_some_and(|l| l.base == "etcd/peer"));
        assert!(ca("etcd-ca").is_some_and(|c| c.base == "etcd/ca"));
        assert!(unknown("nope").to_string().contains("apiserver-etcd-client"));
    }
}

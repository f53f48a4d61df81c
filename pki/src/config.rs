//! The cluster facts the PKI depends on, with kubeadm's defaults, and the names derived from
//! them (the apiserver's and etcd's SANs, the API server URLs).

use std::net::IpAddr;
use std::path::PathBuf;

use ipnet::IpNet;

use crate::cert::AltNames;
use crate::{Error, Result};

/// kubeadm's default certificate directory.
pub const DEFAULT_CERT_DIR: &str = "/etc/kubernetes/pki";
/// kubeadm's default kubeconfig directory.
pub const DEFAULT_KUBECONFIG_DIR: &str = "/etc/kubernetes";
/// kubeadm's default Service CIDR.
pub const DEFAULT_SERVICE_CIDR: &str = "10.96.0.0/12";
/// kubeadm's default cluster DNS domain.
pub const DEFAULT_DNS_DOMAIN: &str = "cluster.local";
/// The apiserver's default secure port.
pub const DEFAULT_BIND_PORT: u16 = 6443;
/// The cluster name kubeadm writes into kubeconfigs.
pub const DEFAULT_CLUSTER_NAME: &str = "kubernetes";

/// Everything the certificate and kubeconfig sets are derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where certificates and keys live (`--cert-dir`).
    pub cert_dir: PathBuf,
    /// Where kubeconfig files live (`--kubeconfig-dir`).
    pub kubeconfig_dir: PathBuf,
    /// The address this control-plane node's apiserver advertises (`--apiserver-advertise-address`).
    pub advertise_address: IpAddr,
    /// The apiserver's secure port (`--apiserver-bind-port`).
    pub bind_port: u16,
    /// A shared endpoint for all control-plane nodes, `host` or `host:port` (`--control-plane-endpoint`).
    pub control_plane_endpoint: Option<String>,
    /// This node's name (`--node-name`).
    pub node_name: String,
    /// Service CIDRs, one per IP family (`--service-cidr`); the first IP of the first is the `kubernetes` Service's.
    pub service_subnets: Vec<IpNet>,
    /// The cluster DNS domain (`--service-dns-domain`).
    pub dns_domain: String,
    /// Extra SANs for the apiserver certificate (`--apiserver-cert-extra-sans`).
    pub cert_extra_sans: Vec<String>,
    /// The cluster's name in kubeconfigs.
    pub cluster_name: String,
}

impl Config {
    /// A configuration with kubeadm's defaults for everything but the node's address and name.
    pub fn new(advertise_address: IpAddr, node_name: String) -> Self {
        Self {
            cert_dir: DEFAULT_CERT_DIR.into(),
            kubeconfig_dir: DEFAULT_KUBECONFIG_DIR.into(),
            advertise_address,
            bind_port: DEFAULT_BIND_PORT,
            control_plane_endpoint: None,
            node_name,
            service_subnets: parse_service_cidrs(DEFAULT_SERVICE_CIDR).unwrap_or_default(),
            dns_domain: DEFAULT_DNS_DOMAIN.into(),
            cert_extra_sans: vec![],
            cluster_name: DEFAULT_CLUSTER_NAME.into(),
        }
    }

    /// Checks the inputs before anything is generated, so bad input writes nothing.
    pub fn validate(&self) -> Result<()> {
        if !is_dns_subdomain(&self.node_name) {
            return Err(Error::Config(format!(
                "node name {:?} must be a lowercase RFC 1123 subdomain (letters, digits, '-' and '.')",
                self.node_name
            )));
        }
        if self.service_subnets.is_empty() {
            return Err(Error::Config("at least one Service CIDR is required".into()));
        }
        if !is_dns_subdomain(&self.dns_domain) {
            return Err(Error::Config(format!("service DNS domain {:?} is not a valid DNS name", self.dns_domain)));
        }
        if let Some(san) = self.cert_extra_sans.iter().find(|s| s.parse::<IpAddr>().is_err() && !is_san_dns_name(s)) {
            return Err(Error::Config(format!("extra SAN {san:?} is neither an IP address nor a valid DNS name")));
        }
        if let Some(endpoint) = &self.control_plane_endpoint {
            split_host_port(endpoint)?;
        }
        Ok(())
    }

    /// The ClusterIP of the `kubernetes` Service: the first address of the first Service CIDR.
    pub fn kubernetes_service_ip(&self) -> Result<IpAddr> {
        let subnet = self.service_subnets.first().ok_or_else(|| Error::Config("no Service CIDR".into()))?;
        subnet.hosts().next().ok_or_else(|| Error::Config(format!("Service CIDR {subnet} has no usable address")))
    }

    /// The URL of this node's own apiserver (used by the controller-manager and scheduler).
    pub fn local_api_server_url(&self) -> String {
        url_for(&self.advertise_address.to_string(), self.bind_port)
    }

    /// The URL clients use: the control-plane endpoint if set, else this node's apiserver.
    pub fn api_server_url(&self) -> Result<String> {
        match &self.control_plane_endpoint {
            Some(endpoint) => {
                let (host, port) = split_host_port(endpoint)?;
                Ok(url_for(&host, port.unwrap_or(self.bind_port)))
            }
            None => Ok(self.local_api_server_url()),
        }
    }

    /// The apiserver serving certificate's names, kubeadm's list plus `127.0.0.1`.
    pub fn apiserver_alt_names(&self) -> Result<AltNames> {
        let mut names = AltNames::default();
        for dns in ["kubernetes", "kubernetes.default", "kubernetes.default.svc"] {
            names.push(dns);
        }
        names.push(&format!("kubernetes.default.svc.{}", self.dns_domain));
        names.push(&self.node_name);
        names.push_ip(self.kubernetes_service_ip()?);
        names.push_ip(self.advertise_address);
        names.push("127.0.0.1");
        if let Some(endpoint) = &self.control_plane_endpoint {
            names.push(&split_host_port(endpoint)?.0);
        }
        for san in &self.cert_extra_sans {
            names.push(san);
        }
        Ok(names)
    }

    /// The etcd server and peer certificates' names: node name, localhost, advertise address, loopbacks.
    pub fn etcd_alt_names(&self) -> AltNames {
        let mut names = AltNames::default();
        for name in [self.node_name.as_str(), "localhost"] {
            names.push(name);
        }
        names.push_ip(self.advertise_address);
        names.push("127.0.0.1");
        names.push("::1");
        names
    }
}

/// Parses `--service-cidr`: one CIDR, or two comma-separated (dual stack).
pub fn parse_service_cidrs(text: &str) -> Result<Vec<IpNet>> {
    let subnets = text
        .split(',')
        .map(|part| {
            part.trim().parse::<IpNet>().map_err(|_| {
                Error::Config(format!("invalid Service CIDR {part:?}: expected an address range such as 10.96.0.0/12"))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if subnets.len() > 2 || (subnets.len() == 2 && subnets[0].addr().is_ipv4() == subnets[1].addr().is_ipv4()) {
        return Err(Error::Config(format!("invalid Service CIDR {text:?}: give one CIDR, or one IPv4 and one IPv6")));
    }
    Ok(subnets)
}

fn url_for(host: &str, port: u16) -> String {
    if host.parse::<std::net::Ipv6Addr>().is_ok() { format!("https://[{host}]:{port}") } else { format!("https://{host}:{port}") }
}

/// Splits `host`, `host:port`, `[v6]:port` or a bare IPv6 address.
fn split_host_port(endpoint: &str) -> Result<(String, Option<u16>)> {
    let invalid = |why: &str| Error::Config(format!("invalid control-plane endpoint {endpoint:?}: {why}"));
    if endpoint.parse::<IpAddr>().is_ok() {
        return Ok((endpoint.to_owned(), None));
    }
    let (host, port) = if let Some(rest) = endpoint.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| invalid("unclosed '['"))?;
        (host, after.strip_prefix(':'))
    } else {
        match endpoint.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (endpoint, None),
        }
    };
    if host.parse::<IpAddr>().is_err() && !is_dns_subdomain(host) {
        return Err(invalid("the host is neither an IP address nor a DNS name"));
    }
    let port = port.map(|p| p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| invalid("bad port"))).transpose()?;
    Ok((host.to_owned(), port))
}

/// Whether `name` is an RFC 1123 subdomain: dot-separated lowercase labels of letters, digits
/// and inner hyphens, at most 253 characters.
pub fn is_dns_subdomain(name: &str) -> bool {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    !name.is_empty() && name.len() <= 253 && name.split('.').all(label_ok)
}

/// Whether `name` may be a DNS SAN: a subdomain, optionally with a leading `*.` wildcard.
fn is_san_dns_name(name: &str) -> bool {
    is_dns_subdomain(name.strip_prefix("*.").unwrap_or(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::new("192.0.2.10".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])), "node-1".into())
    }

    #[test]
    fn apiserver_names_follow_kubeadm() -> Result<()> {
        let mut c = config();
        c.cert_extra_sans = vec!["lb.example.com".into(), "203.0.113.5".into()];
        c.control_plane_endpoint = Some("cp.example.com:8443".into());
        let names = c.apiserver_alt_names()?;
        assert_eq!(
            names.dns,
            [
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local",
                "node-1",
                "cp.example.com",
                "lb.example.com"
            ]
        );
        let ips: Vec<String> = names.ips.iter().map(ToString::to_string).collect();
        assert_eq!(ips, ["10.96.0.1", "192.0.2.10", "127.0.0.1", "203.0.113.5"]);
        assert_eq!(c.api_server_url()?, "https://cp.example.com:8443");
        assert_eq!(c.local_api_server_url(), "https://192.0.2.10:6443");
        Ok(())
    }

    #[test]
    fn etcd_names_include_loopbacks() {
        let names = config().etcd_alt_names();
        assert_eq!(names.dns, ["node-1", "localhost"]);
        let ips: Vec<String> = names.ips.iter().map(ToString::to_string).collect();
        assert_eq!(ips, ["192.0.2.10", "127.0.0.1", "::1"]);
    }

    #[test]
    fn service_cidrs() -> Result<()> {
        assert_eq!(parse_service_cidrs("10.32.0.0/24")?.len(), 1);
        assert_eq!(parse_service_cidrs("10.96.0.0/12,fd00::/108")?.len(), 2);
        for bad in ["10.96.0.0/33", "banana", "10.0.0.0/8,10.1.0.0/16", ""] {
            let err = parse_service_cidrs(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("invalid Service CIDR"), "{bad}: {err}");
        }
        let mut c = config();
        c.service_subnets = parse_service_cidrs("10.32.0.0/24")?;
        assert_eq!(c.kubernetes_service_ip()?.to_string(), "10.32.0.1");
        Ok(())
    }

    #[test]
    fn validation_rejects_bad_names() {
        type Mutation = fn(&mut Config);
        let cases: [(&str, Mutation); 4] = [
            ("node name", |c| c.node_name = "Node_1".into()),
            ("extra SAN", |c| c.cert_extra_sans = vec!["bad name".into()]),
            ("control-plane endpoint", |c| c.control_plane_endpoint = Some("host:99999".into())),
            ("DNS domain", |c| c.dns_domain = "-bad".into()),
        ];
        for (what, mutate) in cases {
            let mut c = config();
            mutate(&mut c);
            assert!(c.validate().is_err(), "{what} should be rejected");
        }
        assert!(config().validate().is_ok());
    }

    #[test]
    fn endpoints_split() -> Result<()> {
        assert_eq!(split_host_port("cp")?, ("cp".into(), None));
        assert_eq!(split_host_port("10.0.0.1:6443")?, ("10.0.0.1".into(), Some(6443)));
        assert_eq!(split_host_port("[fd00::1]:6443")?, ("fd00::1".into(), Some(6443)));
        assert_eq!(split_host_port("fd00::1")?, ("fd00::1".into(), None));
        let mut c = config();
        c.control_plane_endpoint = Some("fd00::1".into());
        assert_eq!(c.api_server_url()?, "https://[fd00::1]:6443");
        Ok(())
    }
}

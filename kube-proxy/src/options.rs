//! The flags of `kube-proxy`, named and defaulted as upstream's 1.33 proxy declares them
//! (`cmd/kube-proxy/app/options.go`). Most of them are ignored upstream when --config is given;
//! the configuration file then holds the same settings.

use std::net::IpAddr;
use std::path::PathBuf;

use component_base::cli::{Validate, ValidationError};
use component_base::duration::GoDuration;
use component_base::net::{DualStackCidrs, IpPort};
use component_base::{featuregate, kubeconfig, logs};

/// How Services are implemented on the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProxyMode {
    /// iptables NAT rules (the Linux default).
    Iptables,
    /// Linux IPVS virtual servers.
    Ipvs,
    /// nftables rules.
    Nftables,
    /// Windows HNS load balancers.
    Kernelspace,
}

/// How the proxy tells traffic from local pods apart from other traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LocalMode {
    /// Sources inside --cluster-cidr.
    #[value(name = "ClusterCIDR")]
    ClusterCidr,
    /// Sources inside the node's pod CIDR.
    #[value(name = "NodeCIDR")]
    NodeCidr,
    /// Packets from the pods' bridge interface.
    #[value(name = "BridgeInterface")]
    BridgeInterface,
    /// Packets from interfaces with the pods' name prefix.
    #[value(name = "InterfaceNamePrefix")]
    InterfaceNamePrefix,
}

/// The iptables and conntrack tuning flags.
#[derive(Debug, Clone, clap::Args)]
pub struct DataplaneOptions {
    /// Most time between two full resyncs of the rules.
    #[arg(long = "iptables-sync-period", value_name = "duration", default_value = "30s")]
    pub iptables_sync_period: GoDuration,

    /// Least time between two resyncs of the rules, however often endpoints change.
    #[arg(long = "iptables-min-sync-period", value_name = "duration", default_value = "1s")]
    pub iptables_min_sync_period: GoDuration,

    /// Bit of the packet mark (0-31) that flags packets to be SNATed.
    #[arg(long = "iptables-masquerade-bit", value_name = "int32", default_value = "14",
          value_parser = clap::value_parser!(u8).range(0..=31))]
    pub iptables_masquerade_bit: u8,

    /// Let NodePort Services be reached on localhost (iptables mode and IPv4 only).
    #[arg(long = "iptables-localhost-nodeports", default_value = "true")]
    pub iptables_localhost_nodeports: bool,

    /// SNAT all traffic sent to Service cluster IPs, not just traffic from outside the pod network.
    #[arg(long = "masquerade-all")]
    pub masquerade_all: bool,

    /// Conntrack entries to allow per CPU core; 0 leaves the kernel's limit and ignores --conntrack-min.
    #[arg(long = "conntrack-max-per-core", value_name = "int32", default_value = "32768")]
    pub conntrack_max_per_core: u32,

    /// Least conntrack entries to allow, whatever --conntrack-max-per-core gives.
    #[arg(long = "conntrack-min", value_name = "int32", default_value = "131072")]
    pub conntrack_min: u32,

    /// Idle timeout of established TCP connections; 0 leaves the kernel's.
    #[arg(long = "conntrack-tcp-timeout-established", value_name = "duration", default_value = "24h0m0s")]
    pub conntrack_tcp_timeout_established: GoDuration,

    /// Timeout of TCP connections in CLOSE_WAIT.
    #[arg(long = "conntrack-tcp-timeout-close-wait", value_name = "duration", default_value = "1h0m0s")]
    pub conntrack_tcp_timeout_close_wait: GoDuration,
}

/// Every flag of `kube-proxy`.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "kube-proxy", version,
          about = "The Kubernetes network proxy: runs on every node and turns Services into packet-filter rules.")]
pub struct Options {
    /// Path to a KubeProxyConfiguration file (kubeproxy.config.k8s.io/v1alpha1).
    #[arg(long = "config", value_name = "path")]
    pub config: Option<PathBuf>,

    /// Write the configuration in effect to this file and exit.
    #[arg(long = "write-config-to", value_name = "path")]
    pub write_config_to: Option<PathBuf>,

    /// Remove the rules kube-proxy installed, then exit.
    #[arg(long = "cleanup")]
    pub cleanup: bool,

    /// Do the setup that needs full root privileges, then exit; rerun with CAP_NET_ADMIN only.
    #[arg(long = "init-only")]
    pub init_only: bool,

    /// Address of the API server, overriding the one in --kubeconfig.
    #[arg(long = "master", value_name = "url")]
    pub master: Option<String>,

    /// Connection to the API server.
    #[command(flatten)]
    pub kubeconfig: kubeconfig::Options,

    /// Which dataplane implements Services; empty picks the platform's default (iptables on Linux).
    #[arg(long = "proxy-mode", value_name = "ProxyMode")]
    pub proxy_mode: Option<ProxyMode>,

    /// Name of this node, when it is not the host name.
    #[arg(long = "hostname-override", value_name = "string")]
    pub hostname_override: Option<String>,

    /// The node's primary IP (kube-proxy binds no socket to it, despite the name).
    #[arg(long = "bind-address", value_name = "ip", default_value = "0.0.0.0")]
    pub bind_address: IpAddr,

    /// Exit when a port cannot be bound, rather than log and go on.
    #[arg(long = "bind-address-hard-fail")]
    pub bind_address_hard_fail: bool,

    /// Address (ip[:port]) of the health check server.
    #[arg(long = "healthz-bind-address", value_name = "ipport", default_value = "0.0.0.0:10256")]
    pub healthz_bind_address: IpPort,

    /// Address (ip[:port]) of the metrics server.
    #[arg(long = "metrics-bind-address", value_name = "ipport", default_value = "127.0.0.1:10249")]
    pub metrics_bind_address: IpPort,

    /// The pods' network: one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma.
    #[arg(long = "cluster-cidr", value_name = "cidrs")]
    pub cluster_cidr: Option<DualStackCidrs>,

    /// How local pod traffic is recognized.
    #[arg(long = "detect-local-mode", value_name = "LocalMode")]
    pub detect_local_mode: Option<LocalMode>,

    /// Node addresses NodePort Services answer on: CIDRs, or 'primary' for the node's primary IPs.
    #[arg(long = "nodeport-addresses", value_name = "strings", value_delimiter = ',')]
    pub nodeport_addresses: Vec<String>,

    /// OOM score adjustment of the kube-proxy process, from -1000 to 1000.
    #[arg(long = "oom-score-adj", value_name = "int32", default_value = "-999", allow_negative_numbers = true,
          value_parser = clap::value_parser!(i32).range(-1000..=1000))]
    pub oom_score_adj: i32,

    /// How often the Services and endpoints are listed again from the API server.
    #[arg(long = "config-sync-period", value_name = "duration", default_value = "15m0s")]
    pub config_sync_period: GoDuration,

    /// Packet filter tuning.
    #[command(flatten, next_help_heading = "Dataplane")]
    pub dataplane: DataplaneOptions,

    /// Feature gates.
    #[command(flatten, next_help_heading = "Feature gates")]
    pub features: featuregate::Options,

    /// Logging.
    #[command(flatten, next_help_heading = "Logging")]
    pub logs: logs::Options,
}

/// Inconsistent kube-proxy flags.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The sync periods are the wrong way round.
    #[error("--iptables-min-sync-period ({min}) must not exceed --iptables-sync-period ({max})")]
    MinSyncAboveSync {
        /// The minimum sync period given.
        min: GoDuration,
        /// The sync period given.
        max: GoDuration,
    },
    /// A sync period of zero would resync without pause.
    #[error("--config-sync-period must be greater than 0")]
    ZeroConfigSyncPeriod,
}

impl Validate for Options {
    fn validate(&self) -> Result<(), ValidationError> {
        let (min, max) = (self.dataplane.iptables_min_sync_period, self.dataplane.iptables_sync_period);
        if min > max {
            return Err(Error::MinSyncAboveSync { min, max }.into());
        }
        if self.config_sync_period.0.is_zero() {
            return Err(Error::ZeroConfigSyncPeriod.into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use component_base::exec_start;

    /// The `ExecStart=` of kubernetes-the-hard-way's `units/kube-proxy.service` (commit 52eb26d).
    const HARD_WAY_EXEC_START: &str = "/usr/local/bin/kube-proxy \\
  --config=/var/lib/kube-proxy/kube-proxy-config.yaml";

    /// The command of kubeadm 1.33's kube-proxy DaemonSet, with $(NODE_NAME) expanded.
    const KUBEADM_ARGS: &[&str] = &["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=node-0"];

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        component_base::cli::try_parse_args("kube-proxy", args)
    }

    #[test]
    fn defaults_are_upstreams() -> Result<(), clap::Error> {
        let o = parse(&[])?;
        assert_eq!(o.bind_address, IpAddr::from([0, 0, 0, 0]));
        assert_eq!(o.healthz_bind_address.to_string(), "0.0.0.0:10256");
        assert_eq!(o.metrics_bind_address.to_string(), "127.0.0.1:10249");
        assert_eq!(o.oom_score_adj, -999);
        assert_eq!(o.config_sync_period, GoDuration::from_secs(15 * 60));
        assert_eq!(o.proxy_mode, None);
        let d = &o.dataplane;
        assert_eq!((d.iptables_sync_period, d.iptables_min_sync_period), (GoDuration::from_secs(30), GoDuration::from_secs(1)));
        assert_eq!(d.iptables_masquerade_bit, 14);
        assert!(d.iptables_localhost_nodeports && !d.masquerade_all);
        assert_eq!((d.conntrack_max_per_core, d.conntrack_min), (32768, 131072));
        assert_eq!(d.conntrack_tcp_timeout_established, GoDuration::from_secs(24 * 3600));
        assert_eq!(d.conntrack_tcp_timeout_close_wait, GoDuration::from_secs(3600));
        assert!(!o.cleanup && !o.init_only && o.config.is_none());
        Ok(())
    }

    #[test]
    fn hard_way_unit_parses() -> Result<(), Box<dyn std::error::Error>> {
        let o: Options = component_base::cli::try_parse_from(exec_start::split(HARD_WAY_EXEC_START)?)?;
        assert_eq!(o.config, Some(PathBuf::from("/var/lib/kube-proxy/kube-proxy-config.yaml")));
        Ok(())
    }

    #[test]
    fn kubeadm_daemonset_parses() -> Result<(), clap::Error> {
        let o: Options = component_base::cli::try_parse_from(KUBEADM_ARGS)?;
        assert_eq!(o.config, Some(PathBuf::from("/var/lib/kube-proxy/config.conf")));
        assert_eq!(o.hostname_override.as_deref(), Some("node-0"));
        Ok(())
    }

    #[test]
    fn parses_values() -> Result<(), clap::Error> {
        let o = parse(&[
            "--proxy-mode=nftables",
            "--cluster-cidr=10.200.0.0/16,fd00:10:200::/56",
            "--kubeconfig",
            "/var/lib/kube-proxy/kubeconfig",
            "--master=https://server.kubernetes.local:6443",
            "--healthz-bind-address=[::]:10256",
            "--oom-score-adj",
            "-500",
            "--detect-local-mode=ClusterCIDR",
            "--masquerade-all",
        ])?;
        assert_eq!(o.proxy_mode, Some(ProxyMode::Nftables));
        assert_eq!(o.cluster_cidr.map(|c| c.cidrs().len()), Some(2));
        assert_eq!(o.kubeconfig.kubeconfig, Some(PathBuf::from("/var/lib/kube-proxy/kubeconfig")));
        assert_eq!(o.healthz_bind_address.port, Some(10256));
        assert_eq!(o.oom_score_adj, -500);
        assert_eq!(o.detect_local_mode, Some(LocalMode::ClusterCidr));
        assert!(o.dataplane.masquerade_all);
        Ok(())
    }

    #[test]
    fn bad_flags_fail() {
        let bad: &[&[&str]] = &[
            &["--no-such-flag"],
            &["--proxy-mode=userspace"],
            &["--cluster-cidr=banana"],
            &["--bind-address=banana"],
            &["--metrics-bind-address=localhost:10249"],
            &["--iptables-masquerade-bit=32"],
            &["--oom-score-adj=-1001"],
            &["--masquerade-all", "false"],
            &["--iptables-min-sync-period=1m", "--iptables-sync-period=30s"],
            &["--config-sync-period=0s"],
        ];
        for args in bad {
            assert!(parse(args).is_err(), "{args:?} should fail");
        }
    }
}

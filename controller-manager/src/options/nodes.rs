//! Node networking and health: pod CIDR allocation (node IPAM) and the node lifecycle
//! controller's timings.

use component_base::duration::GoDuration;
use component_base::net::DualStackCidrs;

/// Pod and service networks, and handing each node a slice of the pod network.
#[derive(Debug, Clone, clap::Args)]
pub struct NodeIpamOptions {
    /// Give each node a pod CIDR out of --cluster-cidr.
    #[arg(long = "allocate-node-cidrs")]
    pub allocate_node_cidrs: bool,

    /// The pods' network: one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma.
    #[arg(long = "cluster-cidr", value_name = "cidrs")]
    pub cluster_cidr: Option<DualStackCidrs>,

    /// The Services' network (the API server's --service-cluster-ip-range), kept out of node CIDRs.
    #[arg(long = "service-cluster-ip-range", value_name = "cidrs")]
    pub service_cluster_ip_range: Option<DualStackCidrs>,

    /// Prefix length of each node's pod CIDR in a single-stack cluster (0 means 24 for IPv4, 64 for IPv6).
    #[arg(long = "node-cidr-mask-size", value_name = "int32", default_value = "0",
          value_parser = clap::value_parser!(u8).range(0..=128))]
    pub node_cidr_mask_size: u8,

    /// Prefix length of each node's IPv4 pod CIDR in a dual-stack cluster (0 means 24).
    #[arg(long = "node-cidr-mask-size-ipv4", value_name = "int32", default_value = "0",
          value_parser = clap::value_parser!(u8).range(0..=32))]
    pub node_cidr_mask_size_ipv4: u8,

    /// Prefix length of each node's IPv6 pod CIDR in a dual-stack cluster (0 means 64).
    #[arg(long = "node-cidr-mask-size-ipv6", value_name = "int32", default_value = "0",
          value_parser = clap::value_parser!(u8).range(0..=128))]
    pub node_cidr_mask_size_ipv6: u8,
}

/// How the node lifecycle controller judges node health.
#[derive(Debug, Clone, clap::Args)]
pub struct NodeLifecycleOptions {
    /// How long a node may go without reporting before it is marked unhealthy; must exceed the
    /// kubelet's status update period.
    #[arg(long = "node-monitor-grace-period", value_name = "duration", default_value = "50s")]
    pub node_monitor_grace_period: GoDuration,

    /// How often node status is checked.
    #[arg(long = "node-monitor-period", value_name = "duration", default_value = "5s")]
    pub node_monitor_period: GoDuration,

    /// How long a starting node may stay silent before it is marked unhealthy.
    #[arg(long = "node-startup-grace-period", value_name = "duration", default_value = "1m0s")]
    pub node_startup_grace_period: GoDuration,

    /// Number of terminated pods kept before the pod garbage collector deletes the oldest; 0 keeps all.
    #[arg(long = "terminated-pod-gc-threshold", value_name = "int32", default_value = "12500")]
    pub terminated_pod_gc_threshold: u32,
}

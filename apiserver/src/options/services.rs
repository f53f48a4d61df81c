//! The Service network: the ranges Service cluster IPs and node ports come from, and how the
//! `kubernetes` Service of the API server itself is kept.

use std::net::Ipv4Addr;

use component_base::net::{DualStackCidrs, PortRange};
use ipnet::{IpNet, Ipv4Net};

/// The service range used when --service-cluster-ip-range is not given (deprecated upstream).
pub const DEFAULT_SERVICE_CLUSTER_IP_RANGE: IpNet = IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 24));

/// How the endpoints of the `kubernetes` Service are maintained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EndpointReconcilerType {
    /// Each API server keeps a lease; the endpoints are those of the live leases.
    Lease,
    /// Trust --apiserver-count (deprecated).
    MasterCount,
    /// Leave the endpoints alone.
    None,
}

/// The Service network flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceNetworkOptions {
    /// Range Service cluster IPs are allocated from: one CIDR, or an IPv4 and an IPv6 CIDR
    /// separated by a comma; must not overlap node or pod addresses.
    #[arg(long = "service-cluster-ip-range", value_name = "cidrs")]
    pub service_cluster_ip_range: Option<DualStackCidrs>,

    /// Ports NodePort Services are allocated from, inclusive (e.g. 30000-32767).
    #[arg(long = "service-node-port-range", value_name = "N1-N2", default_value = "30000-32767")]
    pub service_node_port_range: PortRange,

    /// When not 0, the `kubernetes` Service is of type NodePort with this port.
    #[arg(long = "kubernetes-service-node-port", value_name = "int", default_value = "0")]
    pub kubernetes_service_node_port: u16,

    /// How the endpoints of the `kubernetes` Service are kept.
    #[arg(long = "endpoint-reconciler-type", value_name = "string", default_value = "lease")]
    pub endpoint_reconciler_type: EndpointReconcilerType,

    /// Number of API servers in the cluster, for --endpoint-reconciler-type=master-count.
    #[arg(long = "apiserver-count", value_name = "int", default_value = "1",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub apiserver_count: u32,
}

impl ServiceNetworkOptions {
    /// The service range in effect: the one given, or upstream's deprecated default.
    pub fn effective_service_cluster_ip_range(&self) -> DualStackCidrs {
        self.service_cluster_ip_range.clone().unwrap_or_else(|| DEFAULT_SERVICE_CLUSTER_IP_RANGE.into())
    }
}

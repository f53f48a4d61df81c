//! Defaults kubeadm works out from the machine: the advertise address and the node name.

use std::net::{IpAddr, Ipv4Addr, UdpSocket};

use anyhow::Context;

/// The source address the kernel would use for the default route, as upstream picks the
/// default route's interface address. A UDP "connect" sends nothing.
pub fn advertise_address() -> anyhow::Result<IpAddr> {
    let probe = || -> std::io::Result<IpAddr> {
        let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
        socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9))?;
        Ok(socket.local_addr()?.ip())
    };
    probe().context(
        "unable to select an IP from the default route; pass --apiserver-advertise-address with this node's IP",
    )
}

/// The host name, lowercased, as kubeadm names the node.
pub fn node_name() -> anyhow::Result<String> {
    let name = hostname::get().context("failed to read the host name; pass --node-name")?;
    let name = name.into_string().map_err(|_| anyhow::anyhow!("the host name is not UTF-8; pass --node-name"))?;
    Ok(name.to_lowercase())
}

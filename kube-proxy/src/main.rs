//! `kube-proxy`: The network proxy: programs Service rules into iptables on every node.

fn main() {}

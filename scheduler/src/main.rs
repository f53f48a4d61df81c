//! `kube-scheduler`: The Kubernetes scheduler: binds pending pods to nodes.

fn main() {}

//! `kubelet`: The node agent: runs pods through CRI and reports node status.

fn main() {}

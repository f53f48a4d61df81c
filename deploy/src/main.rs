//! `kubeadm` (in progress).

fn main() {}

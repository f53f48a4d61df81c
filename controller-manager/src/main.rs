//! `kube-controller-manager`: The Kubernetes controller manager: the control loops that drive the cluster to its desired state.

fn main() {}

//! `kube-apiserver`: The Kubernetes API server: the only door to the cluster and the only client of etcd.

fn main() {}

//! `kube-apiserver`: the Kubernetes API server, the only door to the cluster and the only
//! client of etcd. Only its command line exists so far.

pub mod options;

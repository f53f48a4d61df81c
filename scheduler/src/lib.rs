//! `kube-scheduler`: the Kubernetes scheduler, which binds pending pods to nodes. Only its
//! command line exists so far.

pub mod options;

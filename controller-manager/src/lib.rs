//! `kube-controller-manager`: the control loops that drive the cluster to its desired state.
//! Only its command line exists so far.

pub mod options;

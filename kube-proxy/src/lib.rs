//! `kube-proxy`: the network proxy that programs Service rules on every node. Only its command
//! line exists so far.

pub mod options;

//! The fixture every end-to-end test shares: it finds the workspace's binaries, starts real
//! processes (etcd today, the apiserver next) on free loopback ports with freshly generated
//! PKI, and cleans them up when dropped.

pub mod binaries;
pub mod cluster_pki;
pub mod control_plane;
pub mod etcd;
pub mod kubectl;
pub mod poll;
pub mod ports;
pub mod process;

//! `kubelet`: the node agent that runs pods through CRI and reports node status. Only its
//! command line exists so far.

pub mod options;

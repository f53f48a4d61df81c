//! How ferrokube components reach the apiserver.
//!
//! Today this is the kubeconfig file format, shared by `kubeadm` (which writes the files) and
//! the components (which read them); the API client built on `kube-client` lands here next.

pub mod kubeconfig;

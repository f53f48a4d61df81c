//! `kube-apiserver`: the Kubernetes API server, the only door to the cluster and the only
//! client of etcd. So far it serves discovery, health, `/version`, and CRUD on a first set of
//! built-in resources through the generic registry.

mod authentication;
mod authorization;
mod binding;
mod bootstrap;
mod builtin;
mod discovery;
mod handler;
pub mod openapi;
pub mod options;
mod query;
pub mod server;
mod tls;
mod version;
mod watch;

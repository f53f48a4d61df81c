//! What every ferrokube binary shares, in the spirit of upstream's `k8s.io/component-base`:
//! flag value types that parse the way Go's `pflag` does, the logging options (`-v`/`--v`),
//! the leader-election options of the active-passive components, and the option groups that
//! several components declare alike (secure serving, delegated authentication and
//! authorization, `--kubeconfig`, `--feature-gates`).

pub mod authentication;
pub mod authorization;
pub mod cli;
pub mod controlplane;
pub mod duration;
pub mod exec_start;
pub mod featuregate;
pub mod keyvalue;
pub mod kubeconfig;
pub mod leaderelection;
pub mod logs;
pub mod net;
pub mod pflag;
pub mod serving;

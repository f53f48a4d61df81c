//! What every ferrokube binary shares, in the spirit of upstream's `k8s.io/component-base`:
//! flag value types that parse the way Go's `pflag` does, the logging options (`-v`/`--v`),
//! and the leader-election options of the active-passive components.

pub mod duration;
pub mod leaderelection;
pub mod logs;

//! `kube-scheduler`: binds pending pods to nodes.

use std::process::ExitCode;

use component_base::cli;
use kube_scheduler::options::Options;

fn main() -> ExitCode {
    let options: Options = cli::parse();
    options.logs.init();
    cli::not_implemented("kube-scheduler", "the scheduler")
}

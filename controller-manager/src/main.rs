//! `kube-controller-manager`: the control loops that drive the cluster to its desired state.

use std::process::ExitCode;

use component_base::cli;
use kube_controller_manager::options::Options;

fn main() -> ExitCode {
    let options: Options = cli::parse();
    options.logs.init();
    cli::not_implemented("kube-controller-manager", "the controller manager")
}

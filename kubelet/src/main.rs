//! `kubelet`: runs pods through CRI and reports node status.

use std::process::ExitCode;

use component_base::cli;
use kubelet::options::Options;

fn main() -> ExitCode {
    let options: Options = cli::parse();
    options.logs.init();
    cli::not_implemented("kubelet", "the kubelet")
}

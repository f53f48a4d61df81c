//! `kube-proxy`: programs Service rules into the node's packet filter.

use std::process::ExitCode;

use component_base::cli;
use kube_proxy::options::Options;

fn main() -> ExitCode {
    let options: Options = cli::parse();
    options.logs.init();
    cli::not_implemented("kube-proxy", "the proxy")
}

//! `kube-apiserver`: the only door to the cluster and the only client of etcd.

use std::process::ExitCode;

use component_base::cli;
use kube_apiserver::options::Options;

fn main() -> ExitCode {
    let options: Options = cli::parse();
    options.logs.init();
    cli::not_implemented("kube-apiserver", "the API server")
}

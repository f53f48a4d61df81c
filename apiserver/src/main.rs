//! `kube-apiserver`: the only door to the cluster and the only client of etcd.

use std::process::ExitCode;

use component_base::cli;
use kube_apiserver::options::Options;

#[tokio::main]
async fn main() -> ExitCode {
    let options: Options = cli::parse();
    options.logs.init();
    match kube_apiserver::server::run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kube-apiserver: {err:#}");
            ExitCode::FAILURE
        }
    }
}

//! `kubeadm init phase certs|kubeconfig`.

use anyhow::Context;
use clap::builder::PossibleValuesParser;

use crate::cli::Phase;

/// `all`, then every CA, leaf and `sa` in kubeadm's order.
pub fn cert_phase_names() -> PossibleValuesParser {
    PossibleValuesParser::new(["all"].into_iter().chain(pki::catalog::phase_names()))
}

/// `all`, then every kubeconfig file's phase name.
pub fn kubeconfig_phase_names() -> PossibleValuesParser {
    PossibleValuesParser::new(["all"].into_iter().chain(pki::kubeconfigs::ENTRIES.iter().map(|e| e.name)))
}

/// Runs a phase, printing kubeadm's progress lines.
pub fn run(phase: Phase) -> anyhow::Result<()> {
    let mut print = |event: pki::Event| println!("{event}");
    match phase {
        Phase::Certs { which, cluster } => {
            let context = || format!("error execution phase certs/{which}");
            let config = cluster.to_config().with_context(context)?;
            let result = if which == "all" {
                pki::certs::ensure_all(&config, &mut print)
            } else {
                pki::certs::ensure(&config, &[which.as_str()], &mut print)
            };
            result.with_context(context)
        }
        Phase::Kubeconfig { which, cluster } => {
            let context = || format!("error execution phase kubeconfig/{which}");
            let config = cluster.to_config().with_context(context)?;
            let result = if which == "all" {
                pki::kubeconfigs::ensure_all(&config, &mut print)
            } else {
                pki::kubeconfigs::ensure(&config, &[which.as_str()], &mut print)
            };
            result.with_context(context)
        }
    }
}

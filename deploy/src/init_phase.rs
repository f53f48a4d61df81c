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

/// The signature shared by `pki::certs::ensure` and `pki::kubeconfigs::ensure`.
type Ensure = fn(&pki::Config, &[&str], &mut dyn FnMut(pki::Event)) -> pki::Result<()>;

/// Runs a phase, printing kubeadm's progress lines.
pub fn run(phase: Phase) -> anyhow::Result<()> {
    let (phase_name, which, cluster, all, ensure): (_, _, _, Vec<&str>, Ensure) = match phase {
        Phase::Certs { which, cluster } => ("certs", which, cluster, pki::catalog::phase_names(), pki::certs::ensure),
        Phase::Kubeconfig { which, cluster } => {
            let all = pki::kubeconfigs::ENTRIES.iter().map(|e| e.name).collect();
            ("kubeconfig", which, cluster, all, pki::kubeconfigs::ensure)
        }
    };
    let context = || format!("error execution phase {phase_name}/{which}");
    let config = cluster.to_config().with_context(context)?;
    let names = if which == "all" { all } else { vec![which.as_str()] };
    ensure(&config, &names, &mut |event| println!("{event}")).with_context(context)
}

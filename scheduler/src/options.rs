//! The flags of `kube-scheduler`, named, grouped and defaulted as upstream's 1.33 scheduler
//! declares them (`cmd/kube-scheduler/app/options`).

use std::path::PathBuf;

use component_base::cli::{Validate, ValidationError};
use component_base::controlplane::{ControlPlaneComponent, ControlPlaneOptions};
use component_base::serving::ServingDefaults;
use component_base::{featuregate, logs};

/// The scheduler as a control-plane component: HTTPS on 10259, no certificate directory, Lease
/// `kube-scheduler`.
#[derive(Debug, Clone, Copy)]
pub struct KubeScheduler;

impl ServingDefaults for KubeScheduler {
    const SECURE_PORT: &'static str = "10259";
    const CERT_DIR: Option<&'static str> = None;
}

impl ControlPlaneComponent for KubeScheduler {
    const NAME: &'static str = "kube-scheduler";
}

/// Every flag of `kube-scheduler`.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "kube-scheduler", version,
          about = "The Kubernetes scheduler: watches for pods without a node and binds each to the node that fits it best.")]
pub struct Options {
    /// Path to a KubeSchedulerConfiguration file (kubescheduler.config.k8s.io/v1).
    #[arg(long = "config", value_name = "path")]
    pub config: Option<PathBuf>,

    /// Write the configuration in effect to this file and exit.
    #[arg(long = "write-config-to", value_name = "path")]
    pub write_config_to: Option<PathBuf>,

    /// API server connection, HTTPS endpoint and leader election.
    #[command(flatten)]
    pub control_plane: ControlPlaneOptions<KubeScheduler>,

    /// Feature gates.
    #[command(flatten, next_help_heading = "Feature gates")]
    pub features: featuregate::Options,

    /// Logging.
    #[command(flatten, next_help_heading = "Logging")]
    pub logs: logs::Options,
}

impl Validate for Options {
    fn validate(&self) -> Result<(), ValidationError> {
        self.control_plane.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use component_base::duration::GoDuration;
    use component_base::exec_start;
    use std::net::IpAddr;

    /// The `ExecStart=` of kubernetes-the-hard-way's `units/kube-scheduler.service` (commit 52eb26d).
    const HARD_WAY_EXEC_START: &str = "/usr/local/bin/kube-scheduler \\
  --config=/etc/kubernetes/config/kube-scheduler.yaml \\
  --v=2";

    /// The flags kubeadm 1.33 writes into the scheduler's static pod manifest.
    const KUBEADM_ARGS: &[&str] = &[
        "kube-scheduler",
        "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
        "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
        "--bind-address=127.0.0.1",
        "--kubeconfig=/etc/kubernetes/scheduler.conf",
        "--leader-elect=true",
    ];

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        component_base::cli::try_parse_args("kube-scheduler", args)
    }

    #[test]
    fn defaults_are_upstreams() -> Result<(), clap::Error> {
        let Options { control_plane: o, config, features, logs, .. } = parse(&[])?;
        assert_eq!(o.secure_serving.secure_port, 10259);
        assert_eq!(o.secure_serving.bind_address, IpAddr::from([0, 0, 0, 0]));
        assert_eq!(o.secure_serving.cert.cert_dir, None);
        assert!(o.leader_election.leader_elect);
        assert_eq!(o.leader_election.lease_duration, GoDuration::from_secs(15));
        assert_eq!(o.leader_election_lease(), "kube-scheduler");
        assert_eq!(o.authorization.authorization_always_allow_paths, ["/healthz", "/readyz", "/livez"]);
        assert_eq!(logs.verbosity, 0);
        assert!(config.is_none() && o.kubeconfig.kubeconfig.is_none() && features.feature_gates.is_empty());
        Ok(())
    }

    #[test]
    fn hard_way_unit_parses() -> Result<(), Box<dyn std::error::Error>> {
        let o: Options = component_base::cli::try_parse_from(exec_start::split(HARD_WAY_EXEC_START)?)?;
        assert_eq!(o.config, Some(PathBuf::from("/etc/kubernetes/config/kube-scheduler.yaml")));
        assert_eq!(o.logs.verbosity, 2);
        Ok(())
    }

    #[test]
    fn kubeadm_manifest_parses() -> Result<(), clap::Error> {
        let o = component_base::cli::try_parse_from::<Options, _, _>(KUBEADM_ARGS)?.control_plane;
        let conf = Some(PathBuf::from("/etc/kubernetes/scheduler.conf"));
        assert_eq!(o.kubeconfig.kubeconfig, conf);
        assert_eq!(o.authentication.authentication_kubeconfig, conf);
        assert_eq!(o.authorization.authorization_kubeconfig, conf);
        assert_eq!(o.secure_serving.bind_address, IpAddr::from([127, 0, 0, 1]));
        assert!(o.leader_election.leader_elect);
        Ok(())
    }

    #[test]
    fn bad_flags_fail() {
        let bad: &[&[&str]] = &[
            &["--no-such-flag"],
            &["--secure-port=notaport"],
            &["--bind-address=banana"],
            &["--leader-elect", "false"],
            &["--leader-elect-renew-deadline=20s"],
            &["--feature-gates=Foo=maybe"],
            &["--tls-cert-file=only-the-cert.crt"],
        ];
        for args in bad {
            assert!(parse(args).is_err(), "{args:?} should fail");
        }
    }
}

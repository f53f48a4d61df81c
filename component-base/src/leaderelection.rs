//! Leader-election options of the active-passive components (scheduler, controller-manager),
//! with upstream's flag names and defaults: a `coordination.k8s.io/v1` Lease held for 15s,
//! renewed within 10s, retried every 2s.

use crate::duration::GoDuration;

/// Errors from inconsistent leader-election timings.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The timings would let a leader lose its lease before it gives up renewing.
    #[error("--leader-elect-renew-deadline ({renew}) must be shorter than --leader-elect-lease-duration ({lease})")]
    RenewNotBeforeLease {
        /// The renew deadline given.
        renew: GoDuration,
        /// The lease duration given.
        lease: GoDuration,
    },
    /// Retrying at least as slowly as the deadline leaves no chance to renew.
    #[error("--leader-elect-retry-period ({retry}) must be shorter than --leader-elect-renew-deadline ({renew})")]
    RetryNotBeforeRenew {
        /// The retry period given.
        retry: GoDuration,
        /// The renew deadline given.
        renew: GoDuration,
    },
}

/// The `--leader-elect*` flags.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "leader-election-flags")]
pub struct Options {
    /// Take a Lease lock before running the main loop, so that only one of several replicas is active.
    #[arg(
        long = "leader-elect",
        value_name = "bool",
        default_value_t = true,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        action = clap::ArgAction::Set
    )]
    pub leader_elect: bool,

    /// How long followers wait after the last renewal before they try to take the lease.
    #[arg(long = "leader-elect-lease-duration", value_name = "duration", default_value = "15s")]
    pub lease_duration: GoDuration,

    /// How long the leader keeps retrying a renewal before it steps down.
    #[arg(long = "leader-elect-renew-deadline", value_name = "duration", default_value = "10s")]
    pub renew_deadline: GoDuration,

    /// How long clients wait between attempts to take or renew the lease.
    #[arg(long = "leader-elect-retry-period", value_name = "duration", default_value = "2s")]
    pub retry_period: GoDuration,

    /// The kind of lock object; only `leases` exists since Kubernetes 1.24.
    #[arg(long = "leader-elect-resource-lock", value_name = "string", default_value = "leases",
          value_parser = ["leases"])]
    pub resource_lock: String,

    /// The name of the Lease (defaults to the component's name).
    #[arg(long = "leader-elect-resource-name", value_name = "string")]
    pub resource_name: Option<String>,

    /// The namespace of the Lease.
    #[arg(long = "leader-elect-resource-namespace", value_name = "string", default_value = "kube-system")]
    pub resource_namespace: String,
}

impl Options {
    /// Checks that the timings leave the leader room to renew: retry < renew deadline < lease.
    pub fn validate(&self) -> Result<(), Error> {
        if self.renew_deadline >= self.lease_duration {
            return Err(Error::RenewNotBeforeLease { renew: self.renew_deadline, lease: self.lease_duration });
        }
        if self.retry_period >= self.renew_deadline {
            return Err(Error::RetryNotBeforeRenew { retry: self.retry_period, renew: self.renew_deadline });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        election: Options,
    }

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Cli::try_parse_from(std::iter::once("test").chain(args.iter().copied())).map(|c| c.election)
    }

    #[test]
    fn upstream_defaults() -> Result<(), clap::Error> {
        let o = parse(&[])?;
        assert!(o.leader_elect);
        assert_eq!(o.lease_duration, GoDuration::from_secs(15));
        assert_eq!(o.renew_deadline, GoDuration::from_secs(10));
        assert_eq!(o.retry_period, GoDuration::from_secs(2));
        assert_eq!(o.resource_namespace, "kube-system");
        assert_eq!(o.validate(), Ok(()));
        Ok(())
    }

    #[test]
    fn bool_flag_takes_pflag_forms() -> Result<(), clap::Error> {
        assert!(parse(&["--leader-elect"])?.leader_elect);
        assert!(!parse(&["--leader-elect=false"])?.leader_elect);
        assert!(parse(&["--leader-elect=true"])?.leader_elect);
        assert!(parse(&["--leader-elect", "false"]).is_err(), "pflag treats a separate word as an argument");
        Ok(())
    }

    #[test]
    fn rejects_inconsistent_timings() -> Result<(), clap::Error> {
        let o = parse(&["--leader-elect-renew-deadline=20s"])?;
        assert!(matches!(o.validate(), Err(Error::RenewNotBeforeLease { .. })));
        let o = parse(&["--leader-elect-retry-period=10s"])?;
        assert!(matches!(o.validate(), Err(Error::RetryNotBeforeRenew { .. })));
        assert!(parse(&["--leader-elect-resource-lock=endpoints"]).is_err());
        Ok(())
    }
}

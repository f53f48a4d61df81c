//! What the scheduler and the controller manager share: the API server connection, an HTTPS
//! endpoint whose callers are authenticated and authorized by the API server, and leader
//! election among replicas.

use crate::authentication::DelegatingAuthenticationOptions;
use crate::authorization::DelegatingAuthorizationOptions;
use crate::cli::ValidationError;
use crate::kubeconfig;
use crate::leaderelection;
use crate::serving::{SecureServingOptions, ServingDefaults};

/// A control-plane component that runs as active-passive replicas.
pub trait ControlPlaneComponent: ServingDefaults {
    /// The component's name, also the default name of the Lease its replicas compete for.
    const NAME: &'static str;
}

/// The shared flags of an active-passive control-plane component.
#[derive(Debug, Clone, clap::Args)]
pub struct ControlPlaneOptions<C: ControlPlaneComponent> {
    /// Address of the API server, overriding the one in --kubeconfig.
    #[arg(long = "master", value_name = "url")]
    pub master: Option<String>,

    /// Connection to the API server.
    #[command(flatten)]
    pub kubeconfig: kubeconfig::Options,

    /// The HTTPS endpoint (health, metrics).
    #[command(flatten, next_help_heading = "Secure serving")]
    pub secure_serving: SecureServingOptions<C>,

    /// Who may call the HTTPS endpoint.
    #[command(flatten, next_help_heading = "Authentication")]
    pub authentication: DelegatingAuthenticationOptions,

    /// What callers of the HTTPS endpoint may do.
    #[command(flatten, next_help_heading = "Authorization")]
    pub authorization: DelegatingAuthorizationOptions,

    /// Active-passive replication.
    #[command(flatten, next_help_heading = "Leader election")]
    pub leader_election: leaderelection::Options,
}

impl<C: ControlPlaneComponent> ControlPlaneOptions<C> {
    /// The Lease the replicas compete for: --leader-elect-resource-name, or the component's name.
    pub fn leader_election_lease(&self) -> &str {
        self.leader_election.resource_name.as_deref().unwrap_or(C::NAME)
    }

    /// Checks the leader-election timings and the serving certificate pair.
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.leader_election.validate()?;
        self.secure_serving.validate()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Clone)]
    struct Example;
    impl ServingDefaults for Example {
        const SECURE_PORT: &'static str = "10999";
        const CERT_DIR: Option<&'static str> = None;
    }
    impl ControlPlaneComponent for Example {
        const NAME: &'static str = "kube-example";
    }

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        control_plane: ControlPlaneOptions<Example>,
    }

    fn parse(args: &[&str]) -> Result<ControlPlaneOptions<Example>, clap::Error> {
        Cli::try_parse_from(std::iter::once("test").chain(args.iter().copied())).map(|cli| cli.control_plane)
    }

    #[test]
    fn lease_is_named_after_the_component() -> Result<(), clap::Error> {
        let o = parse(&[])?;
        assert_eq!((o.leader_election_lease(), o.secure_serving.secure_port), ("kube-example", 10999));
        assert!(o.validate().is_ok());
        assert_eq!(parse(&["--leader-elect-resource-name=other"])?.leader_election_lease(), "other");
        assert!(parse(&["--leader-elect-retry-period=1m"])?.validate().is_err());
        Ok(())
    }
}

//! kubeadm's command tree and flags, with upstream's names.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{certs_command, defaults, init_phase};

/// Bootstrap and manage the PKI, kubeconfigs and control plane of a ferrokube cluster.
#[derive(Debug, Parser)]
#[command(name = "kubeadm", version, about, args_override_self = true)]
pub struct Cli {
    /// Logging flags.
    #[command(flatten)]
    pub logs: component_base::logs::Options,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up a control-plane node (only `init phase ...` exists so far).
    Init {
        /// The phase to run.
        #[command(subcommand)]
        command: InitCommand,
    },
    /// Commands related to handling kubernetes certificates.
    Certs {
        /// The certificate command to run.
        #[command(subcommand)]
        command: CertsCommand,
    },
}

/// `kubeadm init` subcommands.
#[derive(Debug, Subcommand)]
pub enum InitCommand {
    /// Run one phase of `kubeadm init`.
    Phase {
        /// The phase.
        #[command(subcommand)]
        phase: Phase,
    },
}

/// The phases of `kubeadm init` implemented so far.
#[derive(Debug, Subcommand)]
pub enum Phase {
    /// Certificate generation: `all`, one CA (`ca`, `front-proxy-ca`, `etcd-ca`), one leaf, or `sa`.
    Certs {
        /// What to generate.
        #[arg(value_parser = init_phase::cert_phase_names())]
        which: String,
        /// Cluster flags.
        #[command(flatten)]
        cluster: ClusterFlags,
    },
    /// Generate the kubeconfig files: `all`, `admin`, `kubelet`, `controller-manager`, `scheduler` or `kube-proxy`.
    Kubeconfig {
        /// What to generate.
        #[arg(value_parser = init_phase::kubeconfig_phase_names())]
        which: String,
        /// Cluster flags.
        #[command(flatten)]
        cluster: ClusterFlags,
    },
}

/// `kubeadm certs` subcommands.
#[derive(Debug, Subcommand)]
pub enum CertsCommand {
    /// Check certificates expiration for a Kubernetes cluster.
    CheckExpiration {
        /// Cluster flags.
        #[command(flatten)]
        cluster: ClusterFlags,
    },
    /// Renew one certificate, or `all`, with the same identity and names and a new key.
    Renew {
        /// The certificate to renew, or `all`.
        #[arg(value_parser = certs_command::renew_names())]
        which: String,
        /// Cluster flags.
        #[command(flatten)]
        cluster: ClusterFlags,
    },
}

/// The flags that describe the cluster, shared by the PKI commands.
#[derive(Debug, Clone, Args)]
pub struct ClusterFlags {
    /// The path where to save and store the certificates.
    #[arg(long, value_name = "string", default_value = pki::config::DEFAULT_CERT_DIR)]
    pub cert_dir: PathBuf,

    /// The path where to save the kubeconfig files.
    #[arg(long, value_name = "string", default_value = pki::config::DEFAULT_KUBECONFIG_DIR)]
    pub kubeconfig_dir: PathBuf,

    /// The IP address the API server advertises; defaults to the address of the default route's interface.
    #[arg(long, value_name = "string")]
    pub apiserver_advertise_address: Option<IpAddr>,

    /// Port for the API server to bind to.
    #[arg(long, value_name = "int32", default_value_t = pki::config::DEFAULT_BIND_PORT)]
    pub apiserver_bind_port: u16,

    /// Extra Subject Alternative Names (IPs or DNS names) for the API server serving certificate.
    #[arg(long, value_name = "strings", value_delimiter = ',')]
    pub apiserver_cert_extra_sans: Vec<String>,

    /// A stable IP address or DNS name for the control plane, optionally with a port.
    #[arg(long, value_name = "string")]
    pub control_plane_endpoint: Option<String>,

    /// The node's name; defaults to the host name.
    #[arg(long, value_name = "string")]
    pub node_name: Option<String>,

    /// The IP address range(s) for Service virtual IPs.
    #[arg(long, value_name = "string", default_value = pki::config::DEFAULT_SERVICE_CIDR)]
    pub service_cidr: String,

    /// The DNS domain of Services.
    #[arg(long, value_name = "string", default_value = pki::config::DEFAULT_DNS_DOMAIN)]
    pub service_dns_domain: String,
}

impl ClusterFlags {
    /// For commands that only read and rewrite existing files (`certs check-expiration`,
    /// `certs renew`): the directories, without looking up this machine's address or name.
    pub fn paths_only(&self) -> pki::Config {
        let mut config = pki::Config::new(std::net::Ipv4Addr::LOCALHOST.into(), "localhost".into());
        config.cert_dir = self.cert_dir.clone();
        config.kubeconfig_dir = self.kubeconfig_dir.clone();
        config
    }

    /// Resolves defaults (advertise address, node name) and checks everything.
    pub fn to_config(&self) -> anyhow::Result<pki::Config> {
        let advertise = match self.apiserver_advertise_address {
            Some(ip) => ip,
            None => defaults::advertise_address()?,
        };
        let node_name = match &self.node_name {
            Some(name) => name.clone(),
            None => defaults::node_name()?,
        };
        let mut config = pki::Config::new(advertise, node_name);
        config.cert_dir = self.cert_dir.clone();
        config.kubeconfig_dir = self.kubeconfig_dir.clone();
        config.bind_port = self.apiserver_bind_port;
        config.cert_extra_sans = self.apiserver_cert_extra_sans.clone();
        config.control_plane_endpoint = self.control_plane_endpoint.clone();
        config.service_subnets = pki::config::parse_service_cidrs(&self.service_cidr)?;
        config.dns_domain = self.service_dns_domain.clone();
        config.validate()?;
        Ok(config)
    }
}

impl Command {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        match self {
            Command::Init { command: InitCommand::Phase { phase } } => init_phase::run(phase),
            Command::Certs { command: CertsCommand::CheckExpiration { cluster } } => {
                certs_command::check_expiration(&cluster.paths_only())
            }
            Command::Certs { command: CertsCommand::Renew { which, cluster } } => {
                certs_command::renew(&cluster.paths_only(), &which)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("kubeadm").chain(args.iter().copied()))
    }

    #[test]
    fn bad_inputs_are_refused_before_anything_runs() {
        let base = ["init", "phase", "certs", "all", "--node-name=n1"];
        let with = |extra: &str| parse(&[&base[..], &[extra]].concat());
        assert!(with("--apiserver-advertise-address=not-an-ip").is_err());
        assert!(with("--no-such-flag").is_err());
        assert!(parse(&["init", "phase", "certs", "nonsense"]).is_err());
        let bad_cidr = with("--service-cidr=10.96.0.0/99").map(|cli| match cli.command {
            Command::Init { command: InitCommand::Phase { phase: Phase::Certs { cluster, .. } } } => cluster.to_config().is_err(),
            _ => false,
        });
        assert!(matches!(bad_cidr, Ok(true)));
    }

    #[test]
    fn a_repeated_flag_keeps_the_last_value_like_pflag() -> anyhow::Result<()> {
        let cli = parse(&["certs", "check-expiration", "--node-name=a", "--node-name=b"])?;
        let Command::Certs { command: CertsCommand::CheckExpiration { cluster } } = cli.command else {
            anyhow::bail!("parsed into the wrong command");
        };
        assert_eq!(cluster.node_name.as_deref(), Some("b"));
        Ok(())
    }

    #[test]
    fn flags_reach_the_config() -> anyhow::Result<()> {
        let cli = parse(&[
            "certs",
            "check-expiration",
            "--cert-dir=/tmp/p",
            "--apiserver-advertise-address=192.0.2.1",
            "--apiserver-cert-extra-sans=a.example,10.1.1.1",
            "--node-name=cp-1",
            "--service-cidr=10.32.0.0/24",
        ])?;
        let Command::Certs { command: CertsCommand::CheckExpiration { cluster } } = cli.command else {
            anyhow::bail!("parsed into the wrong command");
        };
        assert_eq!(cluster.paths_only().cert_dir, PathBuf::from("/tmp/p"));
        let config = cluster.to_config()?;
        assert_eq!(config.cert_dir, PathBuf::from("/tmp/p"));
        assert_eq!(config.cert_extra_sans, ["a.example", "10.1.1.1"]);
        assert_eq!(config.kubernetes_service_ip()?.to_string(), "10.32.0.1");
        Ok(())
    }
}

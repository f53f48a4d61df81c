//! The secure serving options every serving component declares alike (`--bind-address`,
//! `--secure-port`, `--cert-dir`, `--tls-*`), with the defaults that differ per component
//! supplied by a [`ServingDefaults`] marker type.

use std::marker::PhantomData;
use std::net::IpAddr;
use std::path::PathBuf;

/// The serving defaults that differ between components.
pub trait ServingDefaults {
    /// The default of `--secure-port`, as flag text (`"6443"` for the apiserver).
    const SECURE_PORT: &'static str;
    /// The default of `--cert-dir`, when the component has one.
    const CERT_DIR: Option<&'static str>;
}

/// Inconsistent serving flags.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// Only one half of the serving certificate pair was given.
    #[error("--tls-cert-file and --tls-private-key-file must be given together")]
    HalfCertificatePair,
}

/// The serving certificate flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ServingCertOptions<D: ServingDefaults> {
    /// Directory holding the serving certificate and key; a self-signed pair is written there
    /// when --tls-cert-file and --tls-private-key-file are not given.
    #[arg(long = "cert-dir", value_name = "path", default_value = D::CERT_DIR)]
    pub cert_dir: Option<PathBuf>,

    /// PEM file with the x509 serving certificate, followed by any intermediate CA certificates.
    #[arg(long = "tls-cert-file", value_name = "path")]
    pub tls_cert_file: Option<PathBuf>,

    /// PEM file with the private key of --tls-cert-file.
    #[arg(long = "tls-private-key-file", value_name = "path")]
    pub tls_private_key_file: Option<PathBuf>,

    /// Comma-separated TLS cipher suites (Go names such as TLS_AES_128_GCM_SHA256) the server
    /// offers; the TLS library's defaults when empty.
    #[arg(long = "tls-cipher-suites", value_name = "strings", value_delimiter = ',')]
    pub tls_cipher_suites: Vec<String>,

    /// Lowest TLS version the server accepts.
    #[arg(long = "tls-min-version", value_name = "string",
          value_parser = ["VersionTLS10", "VersionTLS11", "VersionTLS12", "VersionTLS13"])]
    pub tls_min_version: Option<String>,

    #[arg(skip)]
    defaults: PhantomData<D>,
}

impl<D: ServingDefaults> ServingCertOptions<D> {
    /// Checks that the certificate and key come as a pair.
    pub fn validate(&self) -> Result<(), Error> {
        if self.tls_cert_file.is_some() == self.tls_private_key_file.is_some() {
            Ok(())
        } else {
            Err(Error::HalfCertificatePair)
        }
    }
}

/// The HTTPS listener flags of a component that serves with authentication and authorization.
#[derive(Debug, Clone, clap::Args)]
pub struct SecureServingOptions<D: ServingDefaults> {
    /// IP address to listen on for --secure-port; 0.0.0.0 or :: listens on every interface.
    #[arg(long = "bind-address", value_name = "ip", default_value = "0.0.0.0")]
    pub bind_address: IpAddr,

    /// Port to serve HTTPS on, with authentication and authorization.
    #[arg(long = "secure-port", value_name = "port", default_value = D::SECURE_PORT)]
    pub secure_port: u16,

    /// Listen with SO_REUSEPORT, so that several processes may bind the same address and port.
    #[arg(long = "permit-port-sharing")]
    pub permit_port_sharing: bool,

    /// Listen with SO_REUSEADDR, so that wildcard and specific addresses may be bound side by
    /// side and sockets in TIME_WAIT do not block a restart.
    #[arg(long = "permit-address-sharing")]
    pub permit_address_sharing: bool,

    /// Most concurrent HTTP/2 streams a client may open on one connection; 0 keeps the HTTP
    /// library's default.
    #[arg(long = "http2-max-streams-per-connection", value_name = "int", default_value = "0")]
    pub http2_max_streams_per_connection: u32,

    /// The serving certificate.
    #[command(flatten)]
    pub cert: ServingCertOptions<D>,
}

impl<D: ServingDefaults> SecureServingOptions<D> {
    /// Checks the serving certificate flags.
    pub fn validate(&self) -> Result<(), Error> {
        self.cert.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Clone)]
    struct Apiserver;
    impl ServingDefaults for Apiserver {
        const SECURE_PORT: &'static str = "6443";
        const CERT_DIR: Option<&'static str> = Some("/var/run/kubernetes");
    }

    #[derive(Debug, Clone)]
    struct Scheduler;
    impl ServingDefaults for Scheduler {
        const SECURE_PORT: &'static str = "10259";
        const CERT_DIR: Option<&'static str> = None;
    }

    #[derive(Parser)]
    struct Cli<D: ServingDefaults + Clone + Send + Sync + 'static> {
        #[command(flatten)]
        serving: SecureServingOptions<D>,
    }

    fn parse<D: ServingDefaults + Clone + Send + Sync + 'static>(args: &[&str]) -> Result<SecureServingOptions<D>, clap::Error> {
        Cli::<D>::try_parse_from(std::iter::once("test").chain(args.iter().copied())).map(|cli| cli.serving)
    }

    #[test]
    fn defaults_differ_per_component() -> Result<(), clap::Error> {
        let apiserver = parse::<Apiserver>(&[])?;
        let scheduler = parse::<Scheduler>(&[])?;
        assert_eq!((apiserver.secure_port, scheduler.secure_port), (6443, 10259));
        assert_eq!(apiserver.cert.cert_dir, Some(PathBuf::from("/var/run/kubernetes")));
        assert_eq!(scheduler.cert.cert_dir, None);
        assert_eq!(apiserver.bind_address, IpAddr::from([0, 0, 0, 0]));
        assert_eq!(apiserver.http2_max_streams_per_connection, 0);
        Ok(())
    }

    #[test]
    fn parses_and_checks_values() -> Result<(), clap::Error> {
        let o = parse::<Apiserver>(&["--secure-port=8443", "--bind-address", "::1", "--tls-min-version=VersionTLS13"])?;
        assert_eq!((o.secure_port, o.bind_address.to_string().as_str()), (8443, "::1"));
        for bad in ["--secure-port=notaport", "--secure-port=70000", "--bind-address=banana", "--tls-min-version=TLS1.2"] {
            assert!(parse::<Apiserver>(&[bad]).is_err(), "{bad}");
        }
        assert_eq!(parse::<Apiserver>(&["--tls-cert-file=a.crt"])?.validate(), Err(Error::HalfCertificatePair));
        assert_eq!(parse::<Apiserver>(&["--tls-cert-file=a.crt", "--tls-private-key-file=a.key"])?.validate(), Ok(()));
        Ok(())
    }
}

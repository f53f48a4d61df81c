//! Authentication flags shared between components: client certificates (`--client-ca-file`),
//! the front proxy's request headers (`--requestheader-*`), and the delegated authentication of
//! the components that ask the API server to check their callers (controller-manager,
//! scheduler).

use std::marker::PhantomData;
use std::path::PathBuf;

use crate::duration::GoDuration;

/// The `--client-ca-file` flag.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClientCertOptions {
    /// PEM bundle of CAs; a request with a client certificate signed by one of them is
    /// authenticated as the certificate's CommonName (user) and Organizations (groups).
    #[arg(long = "client-ca-file", value_name = "path")]
    pub client_ca_file: Option<PathBuf>,
}

/// The header names a component trusts from an authenticating front proxy, which differ
/// between the API server (none unless given) and delegating components (`X-Remote-*`).
pub trait RequestHeaderDefaults {
    /// Default of `--requestheader-username-headers`.
    const USERNAME_HEADERS: &'static [&'static str];
    /// Default of `--requestheader-group-headers`.
    const GROUP_HEADERS: &'static [&'static str];
    /// Default of `--requestheader-extra-headers-prefix`.
    const EXTRA_HEADERS_PREFIX: &'static [&'static str];
}

/// The API server's request-header defaults: no header is trusted unless named.
#[derive(Debug, Clone, Copy)]
pub struct NoRequestHeaderDefaults;

impl RequestHeaderDefaults for NoRequestHeaderDefaults {
    const USERNAME_HEADERS: &'static [&'static str] = &[];
    const GROUP_HEADERS: &'static [&'static str] = &[];
    const EXTRA_HEADERS_PREFIX: &'static [&'static str] = &[];
}

/// The delegating components' request-header defaults, the headers the API server's
/// aggregator sends.
#[derive(Debug, Clone, Copy)]
pub struct DelegatingRequestHeaderDefaults;

impl RequestHeaderDefaults for DelegatingRequestHeaderDefaults {
    const USERNAME_HEADERS: &'static [&'static str] = &["x-remote-user"];
    const GROUP_HEADERS: &'static [&'static str] = &["x-remote-group"];
    const EXTRA_HEADERS_PREFIX: &'static [&'static str] = &["x-remote-extra-"];
}

/// The `--requestheader-*` flags: identities asserted in headers by a front proxy that
/// authenticated itself with a client certificate.
#[derive(Debug, Clone, clap::Args)]
pub struct RequestHeaderOptions<D: RequestHeaderDefaults> {
    /// PEM bundle of CAs that sign front-proxy client certificates; only requests carrying such
    /// a certificate may assert an identity in headers.
    #[arg(long = "requestheader-client-ca-file", value_name = "path")]
    pub requestheader_client_ca_file: Option<PathBuf>,

    /// CommonNames of the front-proxy client certificates allowed to assert identities; any
    /// certificate signed by --requestheader-client-ca-file when empty.
    #[arg(long = "requestheader-allowed-names", value_name = "strings", value_delimiter = ',')]
    pub requestheader_allowed_names: Vec<String>,

    /// Request headers that carry the user name, X-Remote-User being usual.
    #[arg(long = "requestheader-username-headers", value_name = "strings", value_delimiter = ',',
          default_values = D::USERNAME_HEADERS)]
    pub requestheader_username_headers: Vec<String>,

    /// Request headers that carry the groups, X-Remote-Group being usual.
    #[arg(long = "requestheader-group-headers", value_name = "strings", value_delimiter = ',',
          default_values = D::GROUP_HEADERS)]
    pub requestheader_group_headers: Vec<String>,

    /// Prefixes of request headers that carry extra user attributes, X-Remote-Extra- being usual.
    #[arg(long = "requestheader-extra-headers-prefix", value_name = "strings", value_delimiter = ',',
          default_values = D::EXTRA_HEADERS_PREFIX)]
    pub requestheader_extra_headers_prefix: Vec<String>,

    /// Request headers that carry the user's UID, X-Remote-Uid being usual.
    #[arg(long = "requestheader-uid-headers", value_name = "strings", value_delimiter = ',')]
    pub requestheader_uid_headers: Vec<String>,

    #[arg(skip)]
    defaults: PhantomData<D>,
}

/// Authentication of a component's callers by asking the API server (TokenReview), as the
/// controller-manager and scheduler do for their secure port.
#[derive(Debug, Clone, clap::Args)]
pub struct DelegatingAuthenticationOptions {
    /// Kubeconfig with rights to create tokenreviews.authentication.k8s.io; without it token
    /// authentication is off (the in-cluster configuration is tried first).
    #[arg(long = "authentication-kubeconfig", value_name = "path")]
    pub authentication_kubeconfig: Option<PathBuf>,

    /// Do not read the request-header and client CA settings from the
    /// extension-apiserver-authentication ConfigMap in kube-system.
    #[arg(long = "authentication-skip-lookup")]
    pub authentication_skip_lookup: bool,

    /// How long to cache the API server's answers to token reviews.
    #[arg(long = "authentication-token-webhook-cache-ttl", value_name = "duration", default_value = "10s")]
    pub authentication_token_webhook_cache_ttl: GoDuration,

    /// Start even when the authentication settings cannot be read from the cluster, which may
    /// treat every caller as anonymous.
    #[arg(long = "authentication-tolerate-lookup-failure")]
    pub authentication_tolerate_lookup_failure: bool,

    /// Client certificate authentication.
    #[command(flatten)]
    pub client_cert: ClientCertOptions,

    /// Front-proxy request-header authentication.
    #[command(flatten)]
    pub request_header: RequestHeaderOptions<DelegatingRequestHeaderDefaults>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Delegating {
        #[command(flatten)]
        authn: DelegatingAuthenticationOptions,
    }

    #[derive(Parser)]
    struct Apiserver {
        #[command(flatten)]
        request_header: RequestHeaderOptions<NoRequestHeaderDefaults>,
    }

    #[test]
    fn delegating_defaults() -> Result<(), clap::Error> {
        let o = Delegating::try_parse_from(["test"])?.authn;
        assert_eq!(o.request_header.requestheader_username_headers, ["x-remote-user"]);
        assert_eq!(o.request_header.requestheader_group_headers, ["x-remote-group"]);
        assert_eq!(o.request_header.requestheader_extra_headers_prefix, ["x-remote-extra-"]);
        assert_eq!(o.authentication_token_webhook_cache_ttl, GoDuration::from_secs(10));
        assert!(!o.authentication_skip_lookup && !o.authentication_tolerate_lookup_failure);
        assert_eq!((o.authentication_kubeconfig, o.client_cert.client_ca_file), (None, None));
        Ok(())
    }

    #[test]
    fn apiserver_trusts_no_header_by_default() -> Result<(), clap::Error> {
        let o = Apiserver::try_parse_from(["test"])?.request_header;
        assert!(o.requestheader_username_headers.is_empty() && o.requestheader_group_headers.is_empty() && o.requestheader_extra_headers_prefix.is_empty());
        let o = Apiserver::try_parse_from(["test", "--requestheader-username-headers=X-Remote-User", "--requestheader-allowed-names=front-proxy-client,other"])?
            .request_header;
        assert_eq!(o.requestheader_username_headers, ["X-Remote-User"]);
        assert_eq!(o.requestheader_allowed_names, ["front-proxy-client", "other"]);
        Ok(())
    }
}

//! Authentication flags: every way a request to the API server can prove who sent it
//! (upstream's `BuiltInAuthenticationOptions`).

use std::path::PathBuf;

use component_base::authentication::{ClientCertOptions, NoRequestHeaderDefaults, RequestHeaderOptions};
use component_base::duration::GoDuration;
use component_base::keyvalue::KeyValue;

/// The API version of a webhook's review objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WebhookVersion {
    /// The GA API.
    V1,
    /// The beta API, still upstream's default for webhooks.
    V1beta1,
}

/// OpenID Connect ID tokens.
#[derive(Debug, Clone, clap::Args)]
pub struct OidcOptions {
    /// HTTPS URL of the OpenID issuer whose ID tokens are accepted.
    #[arg(long = "oidc-issuer-url", value_name = "url")]
    pub oidc_issuer_url: Option<String>,

    /// Client ID the ID tokens must be issued to; required with --oidc-issuer-url.
    #[arg(long = "oidc-client-id", value_name = "string")]
    pub oidc_client_id: Option<String>,

    /// CA bundle that signs the issuer's serving certificate; the host's roots when unset.
    #[arg(long = "oidc-ca-file", value_name = "path")]
    pub oidc_ca_file: Option<PathBuf>,

    /// Claim holding the user name.
    #[arg(long = "oidc-username-claim", value_name = "string", default_value = "sub")]
    pub oidc_username_claim: String,

    /// Prefix of user names; '-' for none (claims other than email get the issuer URL by default).
    #[arg(long = "oidc-username-prefix", value_name = "string")]
    pub oidc_username_prefix: Option<String>,

    /// Claim holding the user's groups.
    #[arg(long = "oidc-groups-claim", value_name = "string")]
    pub oidc_groups_claim: Option<String>,

    /// Prefix of group names.
    #[arg(long = "oidc-groups-prefix", value_name = "string")]
    pub oidc_groups_prefix: Option<String>,

    /// JOSE signing algorithms accepted (comma-separated).
    #[arg(long = "oidc-signing-algs", value_name = "strings", value_delimiter = ',', default_value = "RS256",
          value_parser = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"])]
    pub oidc_signing_algs: Vec<String>,

    /// Claims the ID token must carry with the given value, as key=value (comma-separated, repeatable).
    #[arg(long = "oidc-required-claim", value_name = "key=value,...", value_delimiter = ',')]
    pub oidc_required_claim: Vec<KeyValue>,
}

/// Service account tokens: who issues them, which keys sign and verify them.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceAccountOptions {
    /// Issuer ("iss" claim) of service account tokens, ideally an HTTPS URL serving OpenID
    /// discovery; the first signs new tokens, all are accepted (comma-separated or repeated).
    #[arg(long = "service-account-issuer", value_name = "strings", value_delimiter = ',')]
    pub service_account_issuer: Vec<String>,

    /// PEM files of public (or private) keys that verify service account tokens
    /// (comma-separated or repeated); --tls-private-key-file when unset.
    #[arg(long = "service-account-key-file", value_name = "strings", value_delimiter = ',')]
    pub service_account_key_file: Vec<PathBuf>,

    /// PEM private key that signs new service account tokens.
    #[arg(long = "service-account-signing-key-file", value_name = "path")]
    pub service_account_signing_key_file: Option<PathBuf>,

    /// Reject tokens whose ServiceAccount no longer exists in storage.
    #[arg(long = "service-account-lookup", default_value = "true")]
    pub service_account_lookup: bool,

    /// Longest validity of a token issued through the TokenRequest API.
    #[arg(long = "service-account-max-token-expiration", value_name = "duration")]
    pub service_account_max_token_expiration: Option<GoDuration>,

    /// Extend admission-injected tokens to a year, easing the move from legacy tokens.
    #[arg(long = "service-account-extend-token-expiration", default_value = "true")]
    pub service_account_extend_token_expiration: bool,

    /// JSON Web Key Set URI to advertise in the discovery document instead of this server's.
    #[arg(long = "service-account-jwks-uri", value_name = "url")]
    pub service_account_jwks_uri: Option<String>,
}

/// The authentication flags.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthenticationOptions {
    /// Treat requests that no authenticator rejects as user system:anonymous in group
    /// system:unauthenticated.
    #[arg(long = "anonymous-auth", default_value = "true")]
    pub anonymous_auth: bool,

    /// Audiences the API's tokens must be bound to (comma-separated); the service account
    /// issuer when unset.
    #[arg(long = "api-audiences", value_name = "strings", value_delimiter = ',')]
    pub api_audiences: Vec<String>,

    /// AuthenticationConfiguration file for JWT and anonymous authenticators (replaces the
    /// --oidc-* flags).
    #[arg(long = "authentication-config", value_name = "path")]
    pub authentication_config: Option<PathBuf>,

    /// Accept bootstrap tokens (Secrets of type bootstrap.kubernetes.io/token in kube-system),
    /// used by nodes to join.
    #[arg(long = "enable-bootstrap-token-auth")]
    pub enable_bootstrap_token_auth: bool,

    /// CSV file of static bearer tokens (token,user,uid,"group1,group2").
    #[arg(long = "token-auth-file", value_name = "path")]
    pub token_auth_file: Option<PathBuf>,

    /// Kubeconfig-format file naming a webhook that reviews bearer tokens.
    #[arg(long = "authentication-token-webhook-config-file", value_name = "path")]
    pub authentication_token_webhook_config_file: Option<PathBuf>,

    /// How long to cache the token webhook's answers.
    #[arg(long = "authentication-token-webhook-cache-ttl", value_name = "duration", default_value = "2m0s")]
    pub authentication_token_webhook_cache_ttl: GoDuration,

    /// API version of the TokenReview sent to the webhook.
    #[arg(long = "authentication-token-webhook-version", value_name = "string", default_value = "v1beta1")]
    pub authentication_token_webhook_version: WebhookVersion,

    /// Client certificates.
    #[command(flatten)]
    pub client_cert: ClientCertOptions,

    /// Identities asserted by the front proxy.
    #[command(flatten)]
    pub request_header: RequestHeaderOptions<NoRequestHeaderDefaults>,

    /// OpenID Connect.
    #[command(flatten)]
    pub oidc: OidcOptions,

    /// Service account tokens.
    #[command(flatten)]
    pub service_accounts: ServiceAccountOptions,
}

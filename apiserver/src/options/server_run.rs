//! How the API server serves requests: its advertised identity, concurrency limits, timeouts
//! and graceful shutdown (upstream's `ServerRunOptions`).

use std::net::IpAddr;

use component_base::duration::GoDuration;

/// Parses --goaway-chance, a probability between 0 and 0.02.
fn parse_goaway_chance(text: &str) -> Result<f64, String> {
    let chance: f64 = text.parse().map_err(|_| format!("{text:?} is not a number"))?;
    if (0.0..=0.02).contains(&chance) {
        Ok(chance)
    } else {
        Err(format!("{chance} is outside 0 to 0.02"))
    }
}

/// The generic serving flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerRunOptions {
    /// IP address advertised to the rest of the cluster (the `kubernetes` Service's endpoint);
    /// --bind-address, or the host's default interface, when unset.
    #[arg(long = "advertise-address", value_name = "ip")]
    pub advertise_address: Option<IpAddr>,

    /// Host name used in URLs this server generates (OpenID discovery, for one); the advertise
    /// address, or the host name, when unset.
    #[arg(long = "external-hostname", value_name = "string")]
    pub external_hostname: Option<String>,

    /// Non-mutating requests in flight at once; with priority and fairness, the sum with
    /// --max-mutating-requests-inflight is the server's total concurrency. 0 means no limit.
    #[arg(long = "max-requests-inflight", value_name = "int", default_value = "400")]
    pub max_requests_inflight: u32,

    /// Mutating requests in flight at once (see --max-requests-inflight). 0 means no limit.
    #[arg(long = "max-mutating-requests-inflight", value_name = "int", default_value = "200")]
    pub max_mutating_requests_inflight: u32,

    /// Queue and dispatch requests by priority and fairness (FlowSchemas and
    /// PriorityLevelConfigurations) rather than by the plain max-in-flight limits.
    #[arg(long = "enable-priority-and-fairness", default_value = "true")]
    pub enable_priority_and_fairness: bool,

    /// Default time limit of a request; some kinds have their own.
    #[arg(long = "request-timeout", value_name = "duration", default_value = "1m0s")]
    pub request_timeout: GoDuration,

    /// Least seconds a watch stays open before the server times it out (a random value above it).
    #[arg(long = "min-request-timeout", value_name = "int", default_value = "1800")]
    pub min_request_timeout: u32,

    /// Origins allowed by CORS, as anchored regular expressions (comma-separated); no CORS when empty.
    #[arg(long = "cors-allowed-origins", value_name = "strings", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    /// HSTS directives to send, e.g. max-age=31536000,includeSubDomains,preload; none when empty.
    #[arg(long = "strict-transport-security-directives", value_name = "strings", value_delimiter = ',')]
    pub strict_transport_security_directives: Vec<String>,

    /// Fraction of HTTP/2 requests answered with GOAWAY so clients spread over API servers
    /// (0 to 0.02; 0.001 is a good start behind a load balancer, 0 otherwise).
    #[arg(long = "goaway-chance", value_name = "float", default_value = "0", value_parser = parse_goaway_chance)]
    pub goaway_chance: f64,

    /// How long /livez assumes unfinished post-start hooks will succeed after start.
    #[arg(long = "livez-grace-period", value_name = "duration", default_value = "0s")]
    pub livez_grace_period: GoDuration,

    /// How long to keep serving normally (with /readyz failing) after a termination signal,
    /// so load balancers can drain.
    #[arg(long = "shutdown-delay-duration", value_name = "duration", default_value = "0s")]
    pub shutdown_delay_duration: GoDuration,

    /// While draining, answer new requests with 429 and Retry-After instead of closing the listener.
    #[arg(long = "shutdown-send-retry-after")]
    pub shutdown_send_retry_after: bool,

    /// Longest wait for open watches to end during graceful shutdown.
    #[arg(long = "shutdown-watch-termination-grace-period", value_name = "duration", default_value = "0s")]
    pub shutdown_watch_termination_grace_period: GoDuration,

    /// Longest wait for storage to initialize before the server reports ready.
    #[arg(long = "storage-initialization-timeout", value_name = "duration", default_value = "1m0s")]
    pub storage_initialization_timeout: GoDuration,
}

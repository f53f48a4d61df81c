//! Logging options (`-v`/`--v`, klog's verbosity) mapped onto `tracing`.

use tracing_subscriber::EnvFilter;

/// The crates `--v` applies to.
const OUR_CRATES: [&str; 11] = [
    "apimachinery",
    "component_base",
    "component_client",
    "kube_apiserver",
    "kube_controller_manager",
    "kube_proxy",
    "kube_scheduler",
    "kubeadm",
    "kubelet",
    "pki",
    "deploy",
];

/// Logging flags every component accepts.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "logs-flags")]
pub struct Options {
    /// Log verbosity, as klog counts it: 0-2 logs info, 3-5 adds debug, 6 and up adds trace.
    /// RUST_LOG, when set, overrides it.
    #[arg(short = 'v', long = "v", value_name = "Level", default_value_t = 0)]
    pub verbosity: u8,
}

impl Options {
    /// The `tracing` level that klog's verbosity corresponds to.
    pub fn level(&self) -> tracing_subscriber::filter::LevelFilter {
        use tracing_subscriber::filter::LevelFilter;
        match self.verbosity {
            0..=2 => LevelFilter::INFO,
            3..=5 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        }
    }

    /// The filter `--v` stands for: ferrokube's own crates at [`Options::level`], libraries
    /// at info (klog's verbosity never reached into Go's libraries either).
    pub fn filter(&self) -> EnvFilter {
        let level = self.level().to_string().to_lowercase();
        let directives: Vec<String> =
            std::iter::once("info".to_owned()).chain(OUR_CRATES.iter().map(|c| format!("{c}={level}"))).collect();
        EnvFilter::new(directives.join(","))
    }

    /// Installs the global subscriber that writes to standard error, with colours only on a
    /// terminal (log files and journald get plain text).
    ///
    /// Calling it twice keeps the first subscriber.
    pub fn init(&self) {
        use std::io::IsTerminal;
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| self.filter());
        let _already_set = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .try_init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::filter::LevelFilter;

    #[test]
    fn verbosity_reaches_our_crates_only() {
        let filter = Options { verbosity: 4 }.filter().to_string();
        assert!(filter.contains("kube_apiserver=debug") && filter.contains("apimachinery=debug"), "{filter}");
        assert!(filter.starts_with("info") || filter.contains(",info") || filter.contains("info,"), "{filter}");
    }

    #[test]
    fn klog_verbosity_maps_to_levels() {
        for (v, want) in [(0, LevelFilter::INFO), (2, LevelFilter::INFO), (4, LevelFilter::DEBUG), (9, LevelFilter::TRACE)] {
            assert_eq!(Options { verbosity: v }.level(), want, "--v={v}");
        }
    }
}

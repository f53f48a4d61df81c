//! Logging options (`-v`/`--v`, klog's verbosity) mapped onto `tracing`.

use tracing_subscriber::EnvFilter;

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

    /// Installs the global subscriber that writes to standard error.
    ///
    /// Calling it twice keeps the first subscriber.
    pub fn init(&self) {
        let filter = EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::default().add_directive(self.level().into()));
        let _already_set = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::filter::LevelFilter;

    #[test]
    fn klog_verbosity_maps_to_levels() {
        for (v, want) in [(0, LevelFilter::INFO), (2, LevelFilter::INFO), (4, LevelFilter::DEBUG), (9, LevelFilter::TRACE)] {
            assert_eq!(Options { verbosity: v }.level(), want, "--v={v}");
        }
    }
}

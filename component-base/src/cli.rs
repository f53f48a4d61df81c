//! Parsing a component's command line as upstream's cobra commands do: pflag booleans, a
//! check of the flags that depend on each other, and a clap-formatted error (exit status 2)
//! for anything wrong.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Command, CommandFactory, FromArgMatches};

/// Why a component's flags, each valid alone, do not fit together; printed after `error:`.
pub type ValidationError = Box<dyn std::error::Error + Send + Sync>;

/// Checks of a component's options that one flag's value parser cannot make alone.
pub trait Validate {
    /// Returns the first inconsistency among the parsed flags.
    fn validate(&self) -> Result<(), ValidationError>;
}

/// The command of `T` with Go `pflag` semantics: boolean flags (see [`crate::pflag`]), and a
/// repeated single-valued flag keeps its last value.
pub fn command<T: CommandFactory>() -> Command {
    crate::pflag::with_go_bool_flags(T::command()).args_override_self(true)
}

/// Parses and validates `args` (the first item is the program name).
pub fn try_parse_from<T, I, A>(args: I) -> Result<T, clap::Error>
where
    T: CommandFactory + FromArgMatches + Validate,
    I: IntoIterator<Item = A>,
    A: Into<OsString> + Clone,
{
    let mut command = command::<T>();
    let mut matches = command.try_get_matches_from_mut(args)?;
    let options = T::from_arg_matches_mut(&mut matches).map_err(|err| err.format(&mut command))?;
    options
        .validate()
        .map_err(|err| clap::Error::raw(ErrorKind::ValueValidation, err.to_string()).format(&mut command))?;
    Ok(options)
}

/// Parses and validates `args` as the arguments of `program`.
pub fn try_parse_args<T>(program: &str, args: &[&str]) -> Result<T, clap::Error>
where
    T: CommandFactory + FromArgMatches + Validate,
{
    try_parse_from(std::iter::once(program).chain(args.iter().copied()))
}

/// Parses and validates the process's arguments; on a bad flag prints clap's message and exits
/// with status 2 (0 for `--help` and `--version`).
pub fn parse<T>() -> T
where
    T: CommandFactory + FromArgMatches + Validate,
{
    try_parse_from(std::env::args_os()).unwrap_or_else(|err| err.exit())
}

/// Says on standard error that `component` accepted its flags but that `what` does not exist
/// yet, and gives the failure status to exit with.
pub fn not_implemented(component: &str, what: &str) -> ExitCode {
    eprintln!("{component}: flags accepted; {what} is not implemented yet");
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[arg(long, default_value_t = 1)]
        low: u8,
        #[arg(long, default_value_t = 2)]
        high: u8,
        #[arg(long)]
        dry_run: bool,
    }

    impl Validate for Cli {
        fn validate(&self) -> Result<(), ValidationError> {
            if self.low < self.high {
                Ok(())
            } else {
                Err(format!("--low ({}) must be below --high ({})", self.low, self.high).into())
            }
        }
    }

    #[test]
    fn parses_with_pflag_booleans() -> Result<(), clap::Error> {
        let cli: Cli = try_parse_from(["test", "--dry-run=false", "--high=5"])?;
        assert!(!cli.dry_run);
        assert_eq!(cli.high, 5);
        Ok(())
    }

    #[test]
    fn reports_validation_failures_as_clap_errors() {
        let err = try_parse_from::<Cli, _, _>(["test", "--low=3"]).err();
        let err = err.map(|e| (e.kind(), e.to_string()));
        assert!(matches!(&err, Some((ErrorKind::ValueValidation, text)) if text.contains("--low (3) must be below --high (2)")), "{err:?}");
    }
}

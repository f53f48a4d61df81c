//! Go `pflag` boolean flags on top of clap.
//!
//! A pflag boolean is written `--flag`, `--flag=true` or `--flag=false`; a separate word after
//! it (`--flag false`) is never its value. Its values are those of Go's `strconv.ParseBool`.
//! Clap derives a `bool` field as a switch (`ArgAction::SetTrue`) that cannot be turned off, so
//! [`with_go_bool_flags`] rewrites every such switch of a command into a pflag boolean. Option
//! structs therefore declare booleans as plain `bool` fields, with `default_value_t = true` (or
//! `default_value = "true"`) where upstream's default is true.

use clap::{Arg, ArgAction, Command};

/// A boolean flag value that Go's `strconv.ParseBool` would reject.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid boolean {0:?}: expected true or false (also 1, t, T, TRUE, True, 0, f, F, FALSE, False)")]
pub struct InvalidBool(pub String);

/// Parses a boolean the way Go's `strconv.ParseBool` does.
pub fn parse_bool(text: &str) -> Result<bool, InvalidBool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(InvalidBool(text.to_owned())),
    }
}

/// Rewrites every switch (`ArgAction::SetTrue`) of `command` into a pflag boolean: an optional
/// value that must be attached with `=`, `true` when the flag is given bare, and the declared
/// default (`false` unless stated) when it is absent.
pub fn with_go_bool_flags(command: Command) -> Command {
    command.mut_args(|arg| if matches!(arg.get_action(), ArgAction::SetTrue) { go_bool(arg) } else { arg })
}

fn go_bool(arg: Arg) -> Arg {
    let arg = if arg.get_default_values().is_empty() { arg.default_value("false") } else { arg };
    arg.action(ArgAction::Set)
        .value_parser(parse_bool)
        .value_name("bool")
        .num_args(0..=1)
        .require_equals(true)
        .default_missing_value("true")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches, Parser};

    #[derive(Debug, Parser)]
    struct Cli {
        #[arg(long)]
        off_by_default: bool,
        #[arg(long, default_value_t = true)]
        on_by_default: bool,
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        let matches = with_go_bool_flags(Cli::command()).try_get_matches_from(std::iter::once("test").chain(args.iter().copied()))?;
        Cli::from_arg_matches(&matches)
    }

    #[test]
    fn parses_go_booleans() {
        for (text, want) in [("1", true), ("t", true), ("TRUE", true), ("True", true), ("0", false), ("F", false), ("false", false)] {
            assert_eq!(parse_bool(text), Ok(want), "{text}");
        }
        for text in ["", "yes", "on", "tRuE", "2"] {
            assert!(parse_bool(text).is_err(), "{text}");
        }
    }

    #[test]
    fn switches_take_pflag_forms() -> Result<(), clap::Error> {
        let cases: [(&[&str], bool, bool); 6] = [
            (&[], false, true),
            (&["--off-by-default"], true, true),
            (&["--off-by-default=true"], true, true),
            (&["--on-by-default=false"], false, false),
            (&["--on-by-default=0", "--off-by-default=t"], true, false),
            (&["--on-by-default"], false, true),
        ];
        for (args, off, on) in cases {
            let cli = parse(args)?;
            assert_eq!((cli.off_by_default, cli.on_by_default), (off, on), "{args:?}");
        }
        Ok(())
    }

    #[test]
    fn separate_word_is_not_a_value() {
        assert!(parse(&["--on-by-default", "false"]).is_err());
        assert!(parse(&["--off-by-default=maybe"]).is_err());
    }
}

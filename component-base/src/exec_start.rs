//! Splitting a systemd `ExecStart=` command line into arguments as systemd does: lines ending
//! in a backslash continue on the next, words are separated by whitespace, and single or double
//! quotes group text and are removed (`--runtime-config='api/all=true'` becomes
//! `--runtime-config=api/all=true`). Tests use it to feed unit files to the flag parsers.

/// Errors from splitting a command line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// A quote was opened and never closed.
    #[error("unterminated {0} quote in command line")]
    UnterminatedQuote(char),
    /// The line ends with a lone backslash.
    #[error("command line ends with a dangling backslash")]
    DanglingBackslash,
}

/// The arguments of `command_line`, program first.
pub fn split(command_line: &str) -> Result<Vec<String>, Error> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command_line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(escaped) => word.get_or_insert_default().push(escaped),
                None => return Err(Error::DanglingBackslash),
            },
            '\'' | '"' => {
                let text = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some(end) if end == c => break,
                        Some('\\') if c == '"' => text.push(chars.next().ok_or(Error::UnterminatedQuote(c))?),
                        Some(inner) => text.push(inner),
                        None => return Err(Error::UnterminatedQuote(c)),
                    }
                }
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_systemd() -> Result<(), Error> {
        let line = "/usr/local/bin/kube-apiserver \\\n  --allow-privileged=true \\\n  --runtime-config='api/all=true' \\\n  --v=2";
        assert_eq!(split(line)?, ["/usr/local/bin/kube-apiserver", "--allow-privileged=true", "--runtime-config=api/all=true", "--v=2"]);
        assert_eq!(split(r#"a "b c" 'd\e' "f\"g""#)?, ["a", "b c", "d\\e", "f\"g"]);
        assert_eq!(split("  ")?, Vec::<String>::new());
        Ok(())
    }

    #[test]
    fn rejects_unbalanced_quotes() {
        assert_eq!(split("a 'b"), Err(Error::UnterminatedQuote('\'')));
        assert_eq!(split("a \\"), Err(Error::DanglingBackslash));
    }
}

//! Waiting for a condition with a deadline: the only way a test synchronizes with the
//! processes it starts (never a plain sleep).

use std::fmt;
use std::time::{Duration, Instant};

/// Calls `f` every `every` until it returns `Ok(Some(value))`, and returns that value.
///
/// `Ok(None)` means "not yet"; `Err(e)` also means "not yet" and is remembered for the
/// message, unless it is a [`GiveUp`] (see [`give_up`]), which ends the wait at once. After
/// `deadline` the error says what was awaited (`what`, e.g. "etcd member m0 to be healthy"),
/// how long, how many attempts, and the last error.
pub fn poll_until<T>(
    deadline: Duration,
    every: Duration,
    what: &str,
    mut f: impl FnMut() -> anyhow::Result<Option<T>>,
) -> anyhow::Result<T> {
    let start = Instant::now();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let last_error = match f() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => None,
            Err(e) if e.is::<GiveUp>() => {
                return Err(e.context(format!("gave up waiting for {what} after {:.1?}", start.elapsed())));
            }
            Err(e) => Some(e),
        };
        let elapsed = start.elapsed();
        if elapsed >= deadline {
            let last = match last_error {
                Some(e) => format!("last error: {e:#}"),
                None => "the condition was not met".to_owned(),
            };
            anyhow::bail!("timed out after {elapsed:.1?} ({attempts} attempts) waiting for {what}; {last}");
        }
        std::thread::sleep(every.min(deadline - elapsed));
    }
}

/// An error that makes [`poll_until`] stop waiting at once, e.g. because the process being
/// waited for has exited and can never become ready.
#[derive(Debug)]
pub struct GiveUp(pub String);

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GiveUp {}

/// An error that ends a [`poll_until`] at once, with `reason` as its message.
pub fn give_up(reason: impl Into<String>) -> anyhow::Error {
    GiveUp(reason.into()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn returns_the_first_ready_value() -> anyhow::Result<()> {
        let mut calls = 0;
        let value = poll_until(Duration::from_secs(5), MS, "the third call", || {
            calls += 1;
            Ok((calls == 3).then_some(calls * 10))
        })?;
        assert_eq!((value, calls), (30, 3));
        Ok(())
    }

    #[test]
    fn a_timeout_names_what_was_awaited_and_the_last_error() {
        let mut calls = 0;
        let err = poll_until(50 * MS, 5 * MS, "the moon", || -> anyhow::Result<Option<()>> {
            calls += 1;
            anyhow::bail!("attempt {calls} failed")
        })
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
        assert!(err.contains("waiting for the moon"), "{err}");
        assert!(err.contains(&format!("last error: attempt {calls} failed")), "{err}");
    }

    #[test]
    fn give_up_stops_at_once() {
        let mut calls = 0;
        let start = Instant::now();
        let err = poll_until(Duration::from_secs(30), MS, "a dead process", || -> anyhow::Result<Option<()>> {
            calls += 1;
            Err(give_up("it exited"))
        })
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
        assert_eq!(calls, 1);
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(err.contains("gave up waiting for a dead process") && err.contains("it exited"), "{err}");
    }
}

//! Free TCP ports on 127.0.0.1 for the processes a test starts.
//!
//! A port is found by binding to port 0 and reading the port the kernel chose. The listener
//! is closed before the port is handed out (the daemon must bind it), so a process-wide set
//! remembers every port handed out and two calls in one test binary never return the same
//! port, even though the kernel may offer it again.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Mutex, PoisonError};

use anyhow::Context as _;

/// Every port handed out by this process so far.
static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// How many ports the kernel may offer that were already handed out before giving up.
const MAX_ATTEMPTS: usize = 1000;

/// A free TCP port on 127.0.0.1 that no earlier call in this process returned.
pub fn free_port() -> anyhow::Result<u16> {
    let mut ports = free_ports(1)?;
    ports.pop().context("free_ports(1) returned no port")
}

/// `n` distinct free TCP ports on 127.0.0.1 that no earlier call in this process returned.
///
/// All `n` listeners stay open until every port is chosen, so the kernel cannot offer one
/// of them twice within the call.
pub fn free_ports(n: usize) -> anyhow::Result<Vec<u16>> {
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    let mut listeners = Vec::with_capacity(n);
    let mut ports = Vec::with_capacity(n);
    let mut attempts = 0;
    while ports.len() < n {
        attempts += 1;
        anyhow::ensure!(
            attempts <= MAX_ATTEMPTS,
            "no free port on 127.0.0.1 after {MAX_ATTEMPTS} attempts ({} handed out already)",
            handed_out.len()
        );
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0")?;
        let port = listener.local_addr().context("reading the bound port")?.port();
        if handed_out.insert(port) {
            ports.push(port);
        }
        listeners.push(listener);
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_never_handed_out_twice() -> anyhow::Result<()> {
        let mut seen = BTreeSet::new();
        for port in free_ports(50)?.into_iter().chain(std::iter::from_fn(|| free_port().ok()).take(50)) {
            assert!(seen.insert(port), "port {port} handed out twice");
        }
        assert_eq!(seen.len(), 100);
        Ok(())
    }

    #[test]
    fn a_handed_out_port_is_bindable() -> anyhow::Result<()> {
        let port = free_port()?;
        TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        Ok(())
    }
}

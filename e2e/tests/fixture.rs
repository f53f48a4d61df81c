//! Tests of the e2e fixture itself against real etcd and etcdctl, with certificates made by
//! the `openssl` command line (independent of our own PKI code).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use e2e::etcd::{CertKey, EtcdCerts, EtcdCluster, EtcdTls};
use e2e::poll::poll_until;
use e2e::process::is_alive;

/// Runs `openssl` in `dir` with the whitespace-separated arguments of `args`, failing with
/// its stderr.
fn openssl(dir: &Path, args: &str) -> anyhow::Result<()> {
    let output =
        Command::new("openssl").args(args.split_whitespace()).current_dir(dir).output().context("running openssl")?;
    anyhow::ensure!(output.status.success(), "openssl {args}: {}", String::from_utf8_lossy(&output.stderr));
    Ok(())
}

/// A self-signed CA `<dir>/<name>.{crt,key}` (EC P-256, valid for a day).
fn make_ca(dir: &Path, name: &str) -> anyhow::Result<CertKey> {
    openssl(
        dir,
        &format!(
            "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN={name}
             -keyout {name}.key -out {name}.crt
             -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
        ),
    )?;
    Ok(CertKey::in_dir(dir, name))
}

/// A leaf certificate `<dir>/<name>.{crt,key}` signed by `ca` (in `dir` too), with the given
/// extensions (lines of an OpenSSL extension section).
fn make_leaf(dir: &Path, ca: &str, name: &str, extensions: &str) -> anyhow::Result<CertKey> {
    std::fs::write(
        dir.join(format!("{name}.ext")),
        format!("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n{extensions}\n"),
    )?;
    openssl(
        dir,
        &format!(
            "req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN={name}
             -keyout {name}.key -out {name}.csr"
        ),
    )?;
    openssl(
        dir,
        &format!(
            "x509 -req -in {name}.csr -CA {ca}.crt -CAkey {ca}.key -CAcreateserial -days 1
             -extfile {name}.ext -out {name}.crt"
        ),
    )?;
    Ok(CertKey::in_dir(dir, name))
}

/// Certificates for a TLS cluster: one CA; a member certificate serving as both server and
/// peer certificate; a client certificate.
fn make_etcd_certs(dir: &Path) -> anyhow::Result<EtcdCerts> {
    make_ca(dir, "etcd-ca")?;
    let member_ext = "subjectAltName=IP:127.0.0.1,DNS:localhost
                      extendedKeyUsage=serverAuth,clientAuth";
    let member = make_leaf(dir, "etcd-ca", "member", member_ext)?;
    let client = make_leaf(dir, "etcd-ca", "client", "extendedKeyUsage=clientAuth")?;
    let ca = dir.join("etcd-ca.crt");
    Ok(EtcdCerts { ca, server: member.clone(), peer: member, client })
}

/// `etcdctl put key value` as the fixture's client, which must succeed.
fn put(cluster: &EtcdCluster, key: &str, value: &str) -> anyhow::Result<()> {
    let out = cluster.etcdctl_ok(&["put", key, value, "--command-timeout=1s"])?;
    anyhow::ensure!(out.trim() == "OK", "put {key}: {out}");
    Ok(())
}

/// The value of `key`, read with `etcdctl get` as the fixture's client.
fn get(cluster: &EtcdCluster, key: &str) -> anyhow::Result<String> {
    Ok(cluster.etcdctl_ok(&["get", key, "--print-value-only"])?.trim().to_owned())
}

/// Drops `cluster` and checks that its processes and its directory are gone.
fn drop_and_check_cleanup(cluster: EtcdCluster) {
    let (pids, dir) = (cluster.member_pids(), cluster.dir().to_owned());
    drop(cluster);
    for pid in pids {
        assert!(!is_alive(pid), "etcd pid {pid} outlived its cluster");
    }
    assert!(!dir.exists(), "{} outlived its cluster", dir.display());
}

#[test]
fn plaintext_single_member_put_get() -> anyhow::Result<()> {
    let cluster = EtcdCluster::start(1, EtcdTls::Plaintext)?;
    let endpoints = cluster.endpoints_arg();
    assert!(endpoints.starts_with("http://127.0.0.1:"), "{endpoints}");
    put(&cluster, "/e2e/greeting", "hello")?;
    assert_eq!(get(&cluster, "/e2e/greeting")?, "hello");
    drop_and_check_cleanup(cluster);
    Ok(())
}

#[test]
fn tls_three_members_health_refusal_and_failover() -> anyhow::Result<()> {
    let certs_dir = tempfile::tempdir()?;
    let certs = make_etcd_certs(certs_dir.path())?;
    // A client certificate just as valid, but from a CA the cluster does not trust.
    make_ca(certs_dir.path(), "rogue-ca")?;
    let rogue = make_leaf(certs_dir.path(), "rogue-ca", "rogue", "extendedKeyUsage=clientAuth")?;

    let started = Instant::now();
    let mut cluster = EtcdCluster::start(3, EtcdTls::Mutual(certs.clone()))?;
    eprintln!("3-member TLS etcd cluster healthy in {:.2?}", started.elapsed());

    let urls = cluster.client_urls();
    assert_eq!(urls.len(), 3);
    assert!(urls.iter().all(|u| u.starts_with("https://127.0.0.1:")), "{urls:?}");
    assert_eq!(cluster.endpoints_arg(), urls.join(","));
    let (cert, key) = (&certs.client.cert, &certs.client.key);
    let health = cluster.etcdctl(cert, key, &["endpoint", "health"])?;
    assert!(health.status.success(), "{health:?}");
    // etcdctl 3.4 prints the per-endpoint lines on stderr.
    let report = String::from_utf8_lossy(&health.stderr) + String::from_utf8_lossy(&health.stdout);
    for url in &urls {
        assert!(report.contains(&format!("{url} is healthy")), "{url} missing from:\n{report}");
    }
    let members = cluster.etcdctl_ok(&["member", "list"])?;
    assert_eq!(members.lines().filter(|l| l.contains(", started, ")).count(), 3, "{members}");

    // The control: the trusted client may write. Then the rogue one must be refused.
    put(&cluster, "/e2e/k", "trusted")?;
    let rogue_put = ["put", "/e2e/k", "rogue", "--dial-timeout=1s", "--command-timeout=1s"];
    let refused = cluster.etcdctl(&rogue.cert, &rogue.key, &rogue_put)?;
    assert!(!refused.status.success(), "a client certificate from another CA was accepted: {refused:?}");
    assert_eq!(get(&cluster, "/e2e/k")?, "trusted");

    // One member down: the other two still form a quorum and take writes. A put in flight to
    // a killed leader hangs until its timeout (hence put's short one) while they elect anew.
    cluster.kill_member(0)?;
    let killed = Instant::now();
    let every = Duration::from_millis(100);
    poll_until(Duration::from_secs(15), every, "a put on the two surviving members", || {
        Ok(put(&cluster, "/e2e/k", "after-failover").ok())
    })?;
    eprintln!("a put succeeded {:.2?} after killing member 0", killed.elapsed());
    assert_eq!(get(&cluster, "/e2e/k")?, "after-failover");
    cluster.wait_healthy(Duration::from_secs(10))?;

    drop_and_check_cleanup(cluster);
    Ok(())
}

#[test]
fn a_member_that_cannot_start_fails_fast_with_its_log() {
    // A server certificate path that does not exist: etcd exits at once.
    let missing = Path::new("/nonexistent/e2e");
    let certs = EtcdCerts {
        ca: missing.join("ca.crt"),
        server: CertKey::in_dir(missing, "server"),
        peer: CertKey::in_dir(missing, "peer"),
        client: CertKey::in_dir(missing, "client"),
    };
    let started = Instant::now();
    let err = EtcdCluster::start(1, EtcdTls::Mutual(certs)).err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(started.elapsed() < Duration::from_secs(10), "took {:.1?} to notice", started.elapsed());
    assert!(err.contains("gave up waiting") && err.contains("etcd-m0 exited"), "{err}");
    assert!(err.contains("/nonexistent/e2e"), "the log tail should name the bad path: {err}");
}

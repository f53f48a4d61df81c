//! kubeadm's PKI checked by the real tools: openssl verifies every certificate, kubectl
//! parses every kubeconfig, and the CLI handles reruns and bad input as upstream does.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use anyhow::{Context, ensure};
use e2e::binaries::bin_path;
use e2e::cluster_pki::ClusterPki;

/// (file base, CA base, openssl purpose, expected subject) for every leaf.
const LEAVES: [(&str, &str, &str, &str); 7] = [
    ("apiserver", "ca", "sslserver", "CN=kube-apiserver"),
    ("apiserver-kubelet-client", "ca", "sslclient", "O=kubeadm:cluster-admins, CN=kube-apiserver-kubelet-client"),
    ("front-proxy-client", "front-proxy-ca", "sslclient", "CN=front-proxy-client"),
    ("etcd/server", "etcd/ca", "sslserver", "CN=e2e-node"),
    ("etcd/peer", "etcd/ca", "sslclient", "CN=e2e-node"),
    ("etcd/healthcheck-client", "etcd/ca", "sslclient", "CN=kube-etcd-healthcheck-client"),
    ("apiserver-etcd-client", "etcd/ca", "sslclient", "CN=kube-apiserver-etcd-client"),
];

fn run(program: &str, args: &[&str]) -> anyhow::Result<Output> {
    Command::new(program).args(args).output().with_context(|| format!("failed to run {program}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn openssl_field(cert: &std::path::Path, field: &str) -> anyhow::Result<String> {
    let path = cert.to_string_lossy();
    let out = run("openssl", &["x509", "-in", &path, "-noout", "-nameopt", "sep_comma_plus_space", field])?;
    ensure!(out.status.success(), "openssl x509 {field} failed on {path}");
    Ok(stdout(&out))
}

#[test]
fn openssl_verifies_every_leaf_against_its_ca_for_its_purpose() -> anyhow::Result<()> {
    let pki = ClusterPki::generate()?;
    for (base, ca, purpose, subject) in LEAVES {
        let (ca, leaf) = (pki.cert(ca), pki.cert(base));
        let out = run("openssl", &["verify", "-CAfile", &ca.to_string_lossy(), "-purpose", purpose, &leaf.to_string_lossy()])?;
        ensure!(out.status.success() && stdout(&out).trim_end().ends_with(": OK"), "{base}: {:?}", out);
        let wrong_ca = if ca.ends_with("etcd/ca.crt") { pki.cert("ca") } else { pki.cert("etcd/ca") };
        let out = run("openssl", &["verify", "-CAfile", &wrong_ca.to_string_lossy(), &leaf.to_string_lossy()])?;
        ensure!(!out.status.success(), "{base} must not verify against {}", wrong_ca.display());
        ensure!(openssl_field(&leaf, "-subject")?.trim() == format!("subject={subject}"), "{base} subject");
        let mode = fs::metadata(pki.key(base))?.permissions().mode() & 0o777;
        ensure!(mode == 0o600, "{base}.key has mode {mode:o}");
        let modulus = |args: &[&str]| run("openssl", args).map(|o| stdout(&o));
        let key_modulus = modulus(&["rsa", "-in", &pki.key(base).to_string_lossy(), "-noout", "-modulus"])?;
        ensure!(key_modulus == modulus(&["x509", "-in", &leaf.to_string_lossy(), "-noout", "-modulus"])?, "{base}: key does not match");
    }
    Ok(())
}

#[test]
fn serving_names_usages_and_lifetimes_are_upstreams() -> anyhow::Result<()> {
    let pki = ClusterPki::generate()?;
    let sans = openssl_field(&pki.cert("apiserver"), "-ext=subjectAltName")?;
    for name in [
        "DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:e2e-node",
        "IP Address:10.96.0.1, IP Address:127.0.0.1",
    ] {
        ensure!(sans.contains(name), "apiserver SANs lack {name}: {sans}");
    }
    let etcd = openssl_field(&pki.cert("etcd/server"), "-ext=subjectAltName,extendedKeyUsage")?;
    ensure!(etcd.contains("DNS:e2e-node, DNS:localhost") && etcd.contains("IP Address:0:0:0:0:0:0:0:1"), "{etcd}");
    ensure!(etcd.contains("TLS Web Server Authentication, TLS Web Client Authentication"), "{etcd}");
    let ca = openssl_field(&pki.cert("ca"), "-ext=basicConstraints,keyUsage")?;
    ensure!(ca.contains("CA:TRUE") && ca.contains("Certificate Sign"), "{ca}");
    let year = 365 * 24 * 3600;
    for (cert, lifetime) in [(pki.cert("apiserver"), year), (pki.cert("ca"), 10 * year)] {
        let path = cert.to_string_lossy();
        let valid_for = |seconds: u64| run("openssl", &["x509", "-in", &path, "-noout", "-checkend", &seconds.to_string()]);
        ensure!(valid_for(lifetime - 3600)?.status.success(), "{path} should outlive {lifetime}s minus an hour");
        ensure!(!valid_for(lifetime + 3600)?.status.success(), "{path} should expire within {lifetime}s plus an hour");
    }
    let sa = run("openssl", &["rsa", "-pubin", "-in", &pki.cert_dir().join("sa.pub").to_string_lossy(), "-noout", "-text"])?;
    ensure!(stdout(&sa).contains("Public-Key: (2048 bit)"), "sa.pub: {}", stdout(&sa));
    Ok(())
}

#[test]
fn every_kubectl_version_parses_every_kubeconfig() -> anyhow::Result<()> {
    let pki = ClusterPki::generate()?;
    let expected = [
        ("admin.conf", "kubernetes-admin"),
        ("kubelet.conf", "system:node:e2e-node"),
        ("controller-manager.conf", "system:kube-controller-manager"),
        ("scheduler.conf", "system:kube-scheduler"),
        ("kube-proxy.conf", "system:kube-proxy"),
    ];
    let kubectls = e2e::kubectl::all_versions();
    ensure!(kubectls.len() >= 2, "expected several kubectl versions, found {kubectls:?}");
    for kubectl in &kubectls {
        for (file, user) in expected {
            let path = pki.kubeconfig(file);
            let out = run(&kubectl.to_string_lossy(), &["--kubeconfig", &path.to_string_lossy(), "config", "view", "-o", "json"])?;
            ensure!(out.status.success(), "{} config view {file}: {}", kubectl.display(), String::from_utf8_lossy(&out.stderr));
            let view: serde_json::Value = serde_json::from_slice(&out.stdout)?;
            ensure!(view["current-context"] == format!("{user}@kubernetes"), "{file}: {view}");
            ensure!(view["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:6443", "{file}: {view}");
            ensure!(view["users"][0]["name"] == user && view["users"][0]["user"]["client-key-data"] == "DATA+OMITTED", "{file}: {view}");
        }
    }
    let raw = run(e2e::kubectl::KUBECTL, &[
        "--kubeconfig",
        &pki.kubeconfig("admin.conf").to_string_lossy(),
        "config",
        "view",
        "--raw",
        "-o",
        "jsonpath={.clusters[0].cluster.certificate-authority-data}",
    ])?;
    let ca_file = fs::read_to_string(pki.cert("ca"))?;
    use base64::Engine;
    let embedded = base64::engine::general_purpose::STANDARD.decode(stdout(&raw).trim())?;
    ensure!(embedded == ca_file.as_bytes(), "admin.conf must embed ca.crt");
    Ok(())
}

#[test]
fn rerun_reuses_files_and_mismatch_names_the_file() -> anyhow::Result<()> {
    let pki = ClusterPki::generate()?;
    let before = fs::read(pki.cert("apiserver"))?;
    let again = pki.kubeadm(&["init", "phase", "certs", "all"])?;
    ensure!(again.status.success(), "{again:?}");
    ensure!(stdout(&again).contains("[certs] Using the existing \"apiserver\" certificate and key"), "{}", stdout(&again));
    ensure!(fs::read(pki.cert("apiserver"))? == before, "a rerun must not rewrite apiserver.crt");
    let moved = pki.kubeadm(&["init", "phase", "certs", "apiserver", "--apiserver-advertise-address=10.1.2.3"])?;
    let stderr = String::from_utf8_lossy(&moved.stderr);
    ensure!(!moved.status.success(), "a mismatching apiserver.crt must be an error");
    ensure!(stderr.contains("apiserver.crt") && stderr.contains("not valid for IP address 10.1.2.3"), "{stderr}");
    ensure!(fs::read(pki.cert("apiserver"))? == before, "a failed run must not touch apiserver.crt");
    Ok(())
}

#[test]
fn bad_input_fails_clearly_and_writes_nothing() -> anyhow::Result<()> {
    let root = tempfile::tempdir()?;
    let blocker = root.path().join("a-file");
    fs::write(&blocker, "not a directory")?;
    let fresh = root.path().join("fresh");
    let cases: [(Vec<String>, &str); 4] = [
        (vec![format!("--cert-dir={}", fresh.display()), "--service-cidr=10.96.0.0/99".into()], "invalid Service CIDR"),
        (vec![format!("--cert-dir={}", fresh.display()), "--apiserver-advertise-address=not-an-ip".into()], "not-an-ip"),
        (vec![format!("--cert-dir={}", fresh.display()), "--apiserver-cert-extra-sans=bad name".into()], "extra SAN"),
        (vec![format!("--cert-dir={}", blocker.join("pki").display())], "failed to create directory"),
    ];
    for (flags, message) in cases {
        let out = Command::new(bin_path("kubeadm"))
            .args(["init", "phase", "certs", "all", "--node-name=n1", "--apiserver-advertise-address=127.0.0.1"])
            .args(&flags)
            .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        ensure!(!out.status.success() && stderr.contains(message), "{flags:?}: expected {message:?} in {stderr}");
        ensure!(!fresh.exists(), "{flags:?} created {}", fresh.display());
    }
    Ok(())
}

#[test]
fn check_expiration_and_renew_as_a_user_runs_them() -> anyhow::Result<()> {
    let pki = ClusterPki::generate()?;
    let table = stdout(&pki.kubeadm(&["certs", "check-expiration"])?);
    let lines: Vec<&str> = table.lines().collect();
    ensure!(lines.first().is_some_and(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")
        == "CERTIFICATE EXPIRES RESIDUAL TIME CERTIFICATE AUTHORITY EXTERNALLY MANAGED"), "{table}");
    ensure!(lines.iter().any(|l| l.starts_with("apiserver ") && l.contains(" 364d ") && l.ends_with("no")), "{table}");
    ensure!(lines.iter().any(|l| l.starts_with("CERTIFICATE AUTHORITY ") && l.contains("EXPIRES")), "{table}");
    ensure!(lines.iter().any(|l| l.starts_with("etcd-ca ") && l.contains(" 9y ")), "{table}");
    let before = fs::read(pki.cert("etcd/server"))?;
    let renew = pki.kubeadm(&["certs", "renew", "all"])?;
    ensure!(renew.status.success(), "{renew:?}");
    ensure!(stdout(&renew).contains("certificate for serving etcd renewed"), "{}", stdout(&renew));
    ensure!(fs::read(pki.cert("etcd/server"))? != before, "etcd/server.crt must be reissued");
    let verify = run("openssl", &["verify", "-CAfile", &pki.cert("etcd/ca").to_string_lossy(), &pki.cert("etcd/server").to_string_lossy()])?;
    ensure!(verify.status.success(), "renewed certificate must verify");
    let bad = pki.kubeadm(&["certs", "renew", "no-such-cert"])?;
    ensure!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("no-such-cert"), "{bad:?}");
    Ok(())
}

//! The certs and kubeconfig phases, expiration and renewal, against a temporary directory.

use std::fs;
use std::path::Path;

use pki::cert::Info;
use pki::{Config, Error, Event};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn config(root: &Path) -> Config {
    let mut config = Config::new([192, 0, 2, 10].into(), "cp-1".into());
    config.cert_dir = root.join("pki");
    config.kubeconfig_dir = root.to_owned();
    config
}

fn ensure_everything(config: &Config) -> Result<Vec<Event>, Error> {
    let mut events = Vec::new();
    pki::certs::ensure_all(config, &mut |e| events.push(e))?;
    pki::kubeconfigs::ensure_all(config, &mut |e| events.push(e))?;
    Ok(events)
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walk(dir) {
        let bytes = fs::read(&entry).unwrap_or_default();
        files.push((entry.display().to_string(), bytes));
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return vec![] };
    entries
        .flatten()
        .flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] })
        .collect()
}

#[test]
fn second_run_reuses_everything_byte_for_byte() -> TestResult {
    let root = tempfile::tempdir()?;
    let config = config(root.path());
    let first = ensure_everything(&config)?;
    assert_eq!(first.iter().filter(|e| matches!(e, Event::GeneratingCert(_))).count(), 10);
    assert_eq!(snapshot(root.path()).len(), 22 + 5, "22 PKI files and 5 kubeconfigs");
    let before = snapshot(root.path());
    let second = ensure_everything(&config)?;
    assert!(second.iter().all(|e| !matches!(e, Event::GeneratingCert(_) | Event::WritingKubeconfig(_))), "{second:?}");
    assert_eq!(snapshot(root.path()), before);
    Ok(())
}

#[test]
fn mismatching_certificate_stops_before_writing_anything() -> TestResult {
    let root = tempfile::tempdir()?;
    let mut config = config(root.path());
    ensure_everything(&config)?;
    for f in ["front-proxy-client.crt", "front-proxy-client.key"] {
        fs::remove_file(config.cert_dir.join(f))?;
    }
    config.advertise_address = [198, 51, 100, 1].into();
    let err = pki::certs::ensure_all(&config, &mut |_| {}).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("apiserver.crt") && err.contains("198.51.100.1"), "{err}");
    assert!(!config.cert_dir.join("front-proxy-client.crt").exists(), "a failed run must not generate");
    Ok(())
}

#[test]
fn leaf_from_another_ca_is_refused() -> TestResult {
    let (root, other) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let config = config(root.path());
    pki::certs::ensure_all(&config, &mut |_| {})?;
    pki::certs::ensure(&self::config(other.path()), &["ca"], &mut |_| {})?;
    for f in ["ca.crt", "ca.key"] {
        fs::copy(other.path().join("pki").join(f), config.cert_dir.join(f))?;
    }
    let err = pki::certs::ensure_all(&config, &mut |_| {}).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("apiserver.crt") && err.contains("not signed by the ca CA"), "{err}");
    Ok(())
}

#[test]
fn unwritable_subdirectory_leaves_no_files() -> TestResult {
    let root = tempfile::tempdir()?;
    let config = config(root.path());
    fs::create_dir_all(&config.cert_dir)?;
    fs::write(config.cert_dir.join("etcd"), "a file where the etcd directory should be")?;
    let err = pki::certs::ensure_all(&config, &mut |_| {}).err();
    assert!(matches!(err, Some(Error::Io { .. })), "{err:?}");
    assert_eq!(walk(&config.cert_dir).len(), 1, "only the blocking file remains");
    Ok(())
}

#[test]
fn kubeconfigs_need_the_ca_and_check_the_server() -> TestResult {
    let root = tempfile::tempdir()?;
    let mut config = config(root.path());
    let err = pki::kubeconfigs::ensure_all(&config, &mut |_| {}).err();
    assert!(matches!(err, Some(Error::Missing { .. })), "{err:?}");
    ensure_everything(&config)?;
    config.control_plane_endpoint = Some("lb.example.com".into());
    let err = pki::kubeconfigs::ensure(&config, &["admin"], &mut |_| {}).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("admin.conf") && err.contains("https://lb.example.com:6443"), "{err}");
    let (_, current, info) = pki::kubeconfigs::read(&root.path().join("kubelet.conf"))?.ok_or("kubelet.conf missing")?;
    assert_eq!((info.common_name.as_str(), info.organizations.as_slice()), ("system:node:cp-1", &["system:nodes".to_owned()][..]));
    assert_eq!(current.server, "https://192.0.2.10:6443");
    Ok(())
}

#[test]
fn renewal_keeps_identity_and_replaces_key() -> TestResult {
    let root = tempfile::tempdir()?;
    let config = config(root.path());
    ensure_everything(&config)?;
    let crt = config.cert_dir.join("apiserver.crt");
    let (old_cert, old_key) = (fs::read_to_string(&crt)?, fs::read(config.cert_dir.join("apiserver.key"))?);
    let outcome = pki::renew::renew(&config, "apiserver")?;
    assert_eq!(outcome, pki::renew::Outcome::Renewed("certificate for serving the Kubernetes API"));
    let (old, new) = (Info::from_pem(&old_cert, &crt)?, Info::from_pem(&fs::read_to_string(&crt)?, &crt)?);
    assert_ne!(old.der, new.der);
    assert_eq!(old.to_spec(), new.to_spec());
    assert_ne!(fs::read(config.cert_dir.join("apiserver.key"))?, old_key);
    assert!(new.not_after >= old.not_after);
    let admin = root.path().join("admin.conf");
    let before = pki::kubeconfigs::read(&admin)?.ok_or("admin.conf missing")?.2;
    pki::renew::renew(&config, "admin.conf")?;
    let after = pki::kubeconfigs::read(&admin)?.ok_or("admin.conf missing")?.2;
    assert_eq!(before.to_spec(), after.to_spec());
    assert_ne!(before.der, after.der);
    assert!(matches!(pki::renew::renew(&config, "kubelet.conf"), Err(Error::UnknownName { .. })));
    fs::remove_file(config.cert_dir.join("etcd/ca.key"))?;
    let external = pki::renew::renew(&config, "etcd-server")?;
    assert_eq!(external.to_string(), "Detected external etcd/ca, certificate for serving etcd can't be renewed");
    ensure_everything(&config)?;
    Ok(())
}

#[test]
fn expiration_reports_missing_and_external() -> TestResult {
    let root = tempfile::tempdir()?;
    let config = config(root.path());
    ensure_everything(&config)?;
    fs::remove_file(config.cert_dir.join("etcd/peer.crt"))?;
    fs::remove_file(config.cert_dir.join("front-proxy-ca.key"))?;
    let rows = pki::expiration::certificates(&config)?;
    assert_eq!(rows.len(), 11);
    let row = |name: &str| rows.iter().find(|r| r.name == name).cloned();
    assert!(row("etcd-peer").is_some_and(|r| r.expires.is_none()));
    assert!(row("front-proxy-client").is_some_and(|r| r.externally_managed && r.ca == "front-proxy-ca"));
    assert!(row("admin.conf").is_some_and(|r| r.expires.is_some() && !r.externally_managed));
    let cas = pki::expiration::authorities(&config)?;
    let names: Vec<&str> = cas.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ca", "etcd-ca", "front-proxy-ca"]);
    Ok(())
}

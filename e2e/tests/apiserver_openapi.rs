//! The OpenAPI documents, read by every real kubectl: `explain`, `apply` and `create` with
//! their default field validation (no `--validate=false`), and `diff`.

use std::path::{Path, PathBuf};

use anyhow::ensure;
use e2e::control_plane::ControlPlane;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `kubectl.1.27` → `1.27`; the default kubectl → `default`.
fn label(kubectl: &Path) -> String {
    kubectl.file_name().map(|n| n.to_string_lossy().trim_start_matches("kubectl").trim_start_matches('.').to_owned()).filter(|l| !l.is_empty()).unwrap_or_else(|| "default".into())
}

fn kubectls() -> Vec<PathBuf> {
    e2e::kubectl::all_versions()
}

#[test]
fn explain_prints_upstream_descriptions_and_types() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let cases: [(&[&str], &[&str]); 4] = [
        (&["explain", "configmap.data"], &["ConfigMap", "data", "<map[string]string>", "Data contains the configuration data."]),
        (&["explain", "namespace.spec"], &["Namespace", "<NamespaceSpec>", "Spec defines the behavior of the Namespace.", "finalizers"]),
        (&["explain", "lease.spec.holderIdentity"], &["coordination.k8s.io", "Lease", "holderIdentity", "<string>", "holderIdentity contains the identity of the holder"]),
        // The Swagger 2.0 document, which kubectl only reads as protobuf.
        (&["explain", "configmap.data", "--output=plaintext-openapiv2"], &["ConfigMap", "data", "<map[string]string>", "Data contains the configuration data."]),
    ];
    for kubectl in kubectls() {
        for (args, wanted) in cases {
            let out = plane.kubectl_with(&kubectl, args)?;
            let stdout = text(&out.stdout);
            ensure!(out.status.success(), "{} {args:?}: {}{stdout}\n{}", label(&kubectl), text(&out.stderr), plane.apiserver_log());
            for want in wanted {
                ensure!(stdout.contains(want), "{} {args:?}: no {want:?} in\n{stdout}", label(&kubectl));
            }
        }
    }
    // The documents are built in the background at start-up; that must not have failed.
    ensure!(!plane.apiserver_log_text()?.contains("panicked"), "{}", plane.apiserver_log());
    Ok(())
}

fn configmap(name: &str, color: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\ndata:\n  color: {color}\n")
}

#[test]
fn apply_with_default_validation_creates_then_configures() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    for kubectl in kubectls() {
        let name = format!("applied-{}", label(&kubectl).replace('.', "-"));
        let apply = |color: &str| plane.kubectl_stdin_with(&kubectl, &["apply", "-f", "-"], &configmap(&name, color));
        let created = apply("blue")?;
        ensure!(text(&created.stdout).trim() == format!("configmap/{name} created"), "{}: {}{}", label(&kubectl), text(&created.stdout), text(&created.stderr));
        let configured = apply("red")?;
        ensure!(text(&configured.stdout).trim() == format!("configmap/{name} configured"), "{}: {}{}", label(&kubectl), text(&configured.stdout), text(&configured.stderr));
        let color = plane.kubectl(&["get", "configmap", &name, "-o", "jsonpath={.data.color}"])?;
        ensure!(text(&color.stdout) == "red", "{}: {}", label(&kubectl), text(&color.stdout));
        let unchanged = apply("red")?;
        ensure!(text(&unchanged.stdout).trim() == format!("configmap/{name} unchanged"), "{}: {}", label(&kubectl), text(&unchanged.stderr));
        let created = plane.kubectl_stdin_with(&kubectl, &["create", "-f", "-"], &configmap(&format!("{name}-c"), "green"))?;
        ensure!(created.status.success(), "{}: create: {}", label(&kubectl), text(&created.stderr));
    }
    Ok(())
}

#[test]
fn unknown_fields_are_left_to_server_side_validation() -> anyhow::Result<()> {
    // The v3 documents offer fieldValidation on each kind's PATCH operation, so kubectl skips
    // its client-side schema check and asks the server for strict validation instead. What
    // the server then does with the unknown field is the server's business; this test only
    // pins kubectl's side.
    let plane = ControlPlane::start()?;
    for kubectl in kubectls() {
        let name = format!("unknown-{}", label(&kubectl).replace('.', "-"));
        let manifest = format!("{}data2:\n  a: b\n", configmap(&name, "blue"));
        let out = plane.kubectl_stdin_with(&kubectl, &["apply", "-v=6", "-f", "-"], &manifest)?;
        let stderr = text(&out.stderr);
        let request = stderr.lines().find(|l| l.contains("POST") && l.contains("/configmaps?")).unwrap_or_default();
        ensure!(request.contains("fieldValidation=Strict"), "{}: kubectl did not ask for server-side validation:\n{stderr}", label(&kubectl));
        ensure!(!stderr.contains("error validating data"), "{}: kubectl validated on the client:\n{stderr}", label(&kubectl));
        eprintln!("{}: apply with an unknown field: exit {:?}: {}{}", label(&kubectl), out.status.code(), text(&out.stdout).trim(), stderr.lines().filter(|l| !l.starts_with('I')).collect::<Vec<_>>().join("\n"));
    }
    Ok(())
}

#[test]
fn diff_shows_a_change_and_exits_1() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    for kubectl in kubectls() {
        let name = format!("diffed-{}", label(&kubectl).replace('.', "-"));
        let created = plane.kubectl_stdin_with(&kubectl, &["apply", "-f", "-"], &configmap(&name, "blue"))?;
        ensure!(created.status.success(), "{}: {}", label(&kubectl), text(&created.stderr));
        let same = plane.kubectl_stdin_with(&kubectl, &["diff", "-f", "-"], &configmap(&name, "blue"))?;
        ensure!(same.status.code() == Some(0) && same.stdout.is_empty(), "{}: {}{}", label(&kubectl), text(&same.stdout), text(&same.stderr));
        let changed = plane.kubectl_stdin_with(&kubectl, &["diff", "-f", "-"], &configmap(&name, "red"))?;
        let stdout = text(&changed.stdout);
        ensure!(changed.status.code() == Some(1), "{}: exit {:?}: {stdout}{}", label(&kubectl), changed.status.code(), text(&changed.stderr));
        ensure!(stdout.contains("-  color: blue") && stdout.contains("+  color: red"), "{}: {stdout}", label(&kubectl));
    }
    Ok(())
}

//! The built-in resources' strategies, seen through real kubectl: defaults, validation and
//! table columns.

use anyhow::ensure;
use e2e::control_plane::ControlPlane;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn table(plane: &ControlPlane, args: &[&str]) -> anyhow::Result<Vec<Vec<String>>> {
    let out = plane.kubectl(args)?;
    ensure!(out.status.success(), "{}", text(&out.stderr));
    Ok(text(&out.stdout).lines().map(|l| l.split_whitespace().map(str::to_owned).collect()).collect())
}

#[test]
fn system_namespaces_exist_after_start() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let names = e2e::poll::poll_until(std::time::Duration::from_secs(10), std::time::Duration::from_millis(100), "system namespaces", || {
        let out = plane.kubectl(&["get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}"])?;
        let names: Vec<String> = text(&out.stdout).split_whitespace().map(str::to_owned).collect();
        Ok((names.len() >= 4).then_some(names))
    })?;
    ensure!(names == ["default", "kube-node-lease", "kube-public", "kube-system"], "{names:?}");
    Ok(())
}

#[test]
fn secrets_serviceaccounts_and_leases() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let create = |manifest: &str| plane.kubectl_stdin(&["create", "-f", "-"], manifest);
    create("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n")?;

    let out = create("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\nstringData:\n  password: hunter2\n")?;
    ensure!(out.status.success(), "{}", text(&out.stderr));
    let password = plane.kubectl(&["-n", "app", "get", "secret", "db", "-o", "jsonpath={.type} {.data.password}"])?;
    ensure!(text(&password.stdout) == "Opaque aHVudGVyMg==", "{}", text(&password.stdout));
    let rows = table(&plane, &["-n", "app", "get", "secrets"])?;
    ensure!(rows[0] == ["NAME", "TYPE", "DATA", "AGE"] && rows[1][..3] == ["db", "Opaque", "1"], "{rows:?}");

    let bad = create("apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\n  namespace: app\ndata:\n  key: '%%%'\n")?;
    ensure!(text(&bad.stderr).contains("Error from server (BadRequest)") && text(&bad.stderr).contains("cannot be handled as a Secret"), "{}", text(&bad.stderr));
    // kubectl itself would refuse a number where a string belongs; --raw sends the body as is.
    let mistyped = plane.kubectl_stdin(
        &["create", "--raw", "/api/v1/namespaces/app/configmaps", "-f", "-"],
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"typed","labels":{"tier":7}},"data":{"n":1}}"#,
    )?;
    ensure!(text(&mistyped.stderr).contains("cannot be handled as a ConfigMap"), "a number where a string belongs: {}", text(&mistyped.stderr));
    let retype = plane.kubectl(&["-n", "app", "patch", "secret", "db", "--type=merge", "-p", r#"{"type":"kubernetes.io/tls"}"#])?;
    ensure!(text(&retype.stderr).contains("type: Invalid value") && text(&retype.stderr).contains("field is immutable"), "{}", text(&retype.stderr));

    let bad_key = create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\n  namespace: app\ndata:\n  'bad key': x\n")?;
    ensure!(text(&bad_key.stderr).contains("a valid config key must consist of alphanumeric characters"), "{}", text(&bad_key.stderr));

    create("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: app\n")?;
    let rows = table(&plane, &["-n", "app", "get", "serviceaccounts"])?;
    ensure!(rows[0] == ["NAME", "SECRETS", "AGE"] && rows[1][..2] == ["builder", "0"], "{rows:?}");

    let lease = "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: kube-scheduler\n  namespace: app\nspec:\n  holderIdentity: node-a\n  leaseDurationSeconds: 15\n";
    ensure!(create(lease)?.status.success());
    let rows = table(&plane, &["-n", "app", "get", "leases.coordination.k8s.io"])?;
    ensure!(rows[0] == ["NAME", "HOLDER", "AGE"] && rows[1][..2] == ["kube-scheduler", "node-a"], "{rows:?}");
    let groups = text(&plane.kubectl(&["api-versions"])?.stdout);
    ensure!(groups.lines().any(|l| l == "coordination.k8s.io/v1") && groups.lines().any(|l| l == "v1"), "{groups}");
    Ok(())
}

#[test]
fn stale_replace_conflicts_and_oversized_bodies_are_refused() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let create = |manifest: &str| plane.kubectl_stdin(&["create", "-f", "-"], manifest);
    ensure!(create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: default\ndata:\n  v: \"1\"\n")?.status.success());
    let stale = text(&plane.kubectl(&["get", "configmap", "cfg", "-o", "json"])?.stdout);
    ensure!(plane.kubectl(&["label", "configmap", "cfg", "bump=1"])?.status.success());
    let replace = plane.kubectl_stdin(&["replace", "-f", "-"], &stale)?;
    let stderr = text(&replace.stderr);
    ensure!(!replace.status.success() && stderr.contains("Error from server (Conflict)") && stderr.contains("the object has been modified"), "{stderr}");

    let huge = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\n  namespace: default\ndata:\n  blob: {}\n", "x".repeat(3 * 1024 * 1024 + 1));
    let too_large = create(&huge)?;
    ensure!(!too_large.status.success() && text(&too_large.stderr).contains("Request entity too large"), "{}", text(&too_large.stderr));
    ensure!(!plane.kubectl(&["get", "configmap", "huge"])?.status.success(), "nothing may be stored");
    Ok(())
}

#[test]
fn kubectl_get_watch_prints_table_rows_as_changes_arrive() -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader};
    let plane = ControlPlane::start()?;
    let mut watch = std::process::Command::new(e2e::kubectl::KUBECTL)
        .arg(format!("--kubeconfig={}", plane.admin_kubeconfig().display()))
        .args(["get", "configmaps", "--watch", "--request-timeout=30s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let stdout = watch.stdout.take().ok_or(anyhow::anyhow!("no stdout"))?;
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let create = |name: &str| plane.kubectl_stdin(&["create", "-f", "-"], &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\ndata:\n  a: b\n"));
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut created = false;
    while std::time::Instant::now() < deadline && !seen.iter().any(|l: &String| l.starts_with("live ")) {
        if let Ok(line) = lines.recv_timeout(std::time::Duration::from_millis(200)) {
            seen.push(line);
        } else if !created {
            created = create("live")?.status.success();
        }
    }
    let _ = watch.kill();
    let _ = watch.wait();
    let row = seen.iter().find(|l| l.starts_with("live ")).map(|l| l.split_whitespace().collect::<Vec<_>>());
    ensure!(row.as_ref().is_some_and(|r| r[..2] == ["live", "1"]), "kubectl get --watch printed {seen:?}");
    Ok(())
}

#[test]
fn anonymous_callers_get_health_and_version_only() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let url = plane.server_url()?;
    let ca = plane.pki().cert("ca");
    let curl = |path: &str| -> anyhow::Result<(String, String)> {
        let out = std::process::Command::new("curl")
            .args(["-sS", "--max-time", "5", "--cacert", &ca.display().to_string(), "-w", "\n%{http_code}", &format!("{url}{path}")])
            .output()?;
        let body = text(&out.stdout);
        let (body, code) = body.rsplit_once('\n').unwrap_or_default();
        Ok((code.to_owned(), body.to_owned()))
    };
    ensure!(curl("/healthz")?.0 == "200" && curl("/version")?.0 == "200");
    let (code, body) = curl("/api/v1/namespaces/default/secrets")?;
    ensure!(code == "403", "{code} {body}");
    ensure!(body.contains(r#"secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\""#), "{body}");
    ensure!(curl("/api")?.0 == "403", "discovery is for authenticated users");
    Ok(())
}

#[test]
fn namespace_lifecycle_as_upstream() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let orphan = plane.kubectl_stdin(&["create", "-f", "-"], "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nowhere\n")?;
    ensure!(text(&orphan.stderr).contains(r#"namespaces "nowhere" not found"#), "{}", text(&orphan.stderr));
    let system = plane.kubectl(&["delete", "namespace", "kube-system"])?;
    ensure!(text(&system.stderr).contains(r#"namespaces "kube-system" is forbidden: this namespace may not be deleted"#), "{}", text(&system.stderr));
    let collection = plane.kubectl(&["delete", "--raw", "/api/v1/namespaces"])?;
    ensure!(!collection.status.success(), "namespaces have no deletecollection");
    ensure!(plane.kubectl(&["get", "namespace", "kube-system"])?.status.success());
    Ok(())
}

#[test]
fn field_validation_strict_refuses_and_warn_warns_about_unknown_fields() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let body = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","colour":"red"},"data":{"a":"b"},"data2":{"x":"y"}}"#;
    let post = |name: &str, validation: &str| {
        let path = format!("/api/v1/namespaces/default/configmaps{validation}");
        plane.kubectl_stdin(&["create", "--raw", &path, "-f", "-"], &body.replace("NAME", name))
    };
    let strict = post("strict", "?fieldValidation=Strict")?;
    let message = text(&strict.stderr);
    ensure!(!strict.status.success(), "{message}");
    let prefix = r#"ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: "#;
    ensure!(message.contains(prefix) && message.contains(r#"unknown field "metadata.colour""#) && message.contains(r#"unknown field "data2""#), "{message}");
    ensure!(!plane.kubectl(&["get", "configmap", "strict"])?.status.success(), "a refused create stores nothing");

    let warned = post("warned", "")?;
    let warnings = text(&warned.stderr);
    ensure!(warned.status.success(), "{warnings}");
    ensure!(warnings.contains(r#"Warning: unknown field "data2""#) && warnings.contains(r#"Warning: unknown field "metadata.colour""#), "{warnings}");
    let stored = plane.kubectl(&["get", "configmap", "warned", "-o", "json"])?;
    let stored: serde_json::Value = serde_json::from_slice(&stored.stdout)?;
    ensure!(stored.get("data2").is_none() && stored["data"]["a"] == "b", "{stored}");

    let ignored = post("ignored", "?fieldValidation=Ignore")?;
    ensure!(ignored.status.success() && !text(&ignored.stderr).contains("Warning"), "{}", text(&ignored.stderr));
    let bad = post("bad", "?fieldValidation=Loud")?;
    ensure!(!bad.status.success() && text(&bad.stderr).contains("fieldValidation parameter unsupported"), "{}", text(&bad.stderr));
    Ok(())
}

#[test]
fn lists_from_the_watch_cache_and_streamed_initial_events() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let create = |name: &str| plane.kubectl_stdin(&["create", "-f", "-"], &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\n"));
    for name in ["one", "two"] {
        ensure!(create(name)?.status.success());
    }
    let get = |path: &str| -> anyhow::Result<serde_json::Value> {
        let out = plane.kubectl(&["get", "--raw", path])?;
        ensure!(out.status.success(), "{path}: {}", text(&out.stderr));
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let consistent = get("/api/v1/namespaces/default/configmaps")?;
    let rv: u64 = consistent["metadata"]["resourceVersion"].as_str().unwrap_or_default().parse()?;
    let names = |list: &serde_json::Value| -> Vec<String> {
        list["items"].as_array().into_iter().flatten().filter_map(|i| i["metadata"]["name"].as_str().map(str::to_owned)).filter(|n| n != "kube-root-ca.crt").collect()
    };
    let cached = get(&format!("/api/v1/namespaces/default/configmaps?resourceVersion={rv}&resourceVersionMatch=NotOlderThan"))?;
    ensure!(names(&cached) == ["one", "two"], "{cached}");
    ensure!(names(&get("/api/v1/namespaces/default/configmaps?resourceVersion=0")?) == ["one", "two"]);
    let too_new = plane.kubectl(&["get", "--raw", &format!("/api/v1/configmaps?resourceVersion={}&resourceVersionMatch=NotOlderThan", rv + 100_000)])?;
    ensure!(!too_new.status.success() && text(&too_new.stderr).contains("Too large resource version"), "{}", text(&too_new.stderr));
    let bad = plane.kubectl(&["get", "--raw", "/api/v1/configmaps?resourceVersionMatch=Exact"])?;
    ensure!(!bad.status.success(), "resourceVersionMatch needs a resourceVersion");

    let path = "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=2";
    let stream = plane.kubectl(&["get", "--raw", path])?;
    ensure!(stream.status.success(), "{}", text(&stream.stderr));
    let events: Vec<serde_json::Value> = text(&stream.stdout).lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    ensure!(types.iter().filter(|t| **t == "ADDED").count() >= 2 && types.last() == Some(&"BOOKMARK"), "{types:?}");
    let bookmark = &events[events.len() - 1]["object"];
    ensure!(bookmark["kind"] == "ConfigMap" && bookmark["metadata"]["annotations"]["k8s.io/initial-events-end"] == "true", "{bookmark}");
    let no_bookmarks = plane.kubectl(&["get", "--raw", "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1"])?;
    ensure!(!no_bookmarks.status.success(), "sendInitialEvents needs allowWatchBookmarks");
    Ok(())
}

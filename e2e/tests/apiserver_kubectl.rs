//! Real kubectl against our apiserver on real etcd.

use anyhow::ensure;
use e2e::control_plane::ControlPlane;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_kubectl_sees_version_1_33_and_the_served_resources() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    for kubectl in e2e::kubectl::all_versions() {
        let out = plane.kubectl_with(&kubectl, &["version", "-o", "json"])?;
        ensure!(out.status.success(), "{}: {}\n{}", kubectl.display(), text(&out.stderr), plane.apiserver_log());
        let version: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        ensure!(version["serverVersion"]["gitVersion"] == "v1.33.0", "{}: {version}", kubectl.display());
        let resources = plane.kubectl_with(&kubectl, &["api-resources", "--no-headers"])?;
        let listing = text(&resources.stdout);
        ensure!(listing.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["configmaps", "cm", "v1", "true", "ConfigMap"]), "{}: {listing}", kubectl.display());
        ensure!(listing.lines().any(|l| l.starts_with("namespaces ")), "{listing}");
    }
    Ok(())
}

#[test]
fn create_get_delete_with_upstream_errors() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let run = |args: &[&str]| plane.kubectl(args);
    // kubectl's typed generators (`create namespace`, `create configmap`) send protobuf, which
    // is not served yet; manifests go as JSON, with kubectl's default field validation.
    let create = |manifest: &str| plane.kubectl_stdin(&["create", "-f", "-"], manifest);
    let out = create("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n")?;
    ensure!(out.status.success() && text(&out.stdout).trim() == "namespace/team created", "{}{}", text(&out.stderr), plane.apiserver_log());
    ensure!(text(&run(&["get", "namespace", "team", "-o", "jsonpath={.status.phase}"])?.stdout) == "Active");

    let settings = |color: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team\ndata:\n  color: {color}\n");
    let out = create(&settings("blue"))?;
    ensure!(out.status.success() && text(&out.stdout).trim() == "configmap/settings created", "{}", text(&out.stderr));
    let data = run(&["-n", "team", "get", "configmap", "settings", "-o", "jsonpath={.data.color}"])?;
    ensure!(text(&data.stdout) == "blue", "{}", text(&data.stderr));

    let again = create(&settings("red"))?;
    ensure!(!again.status.success());
    let stderr = text(&again.stderr);
    ensure!(stderr.contains("Error from server (AlreadyExists)") && stderr.contains(r#"configmaps "settings" already exists"#), "{stderr}");
    let missing = run(&["-n", "team", "get", "configmap", "nope"])?;
    ensure!(text(&missing.stderr).contains(r#"Error from server (NotFound): configmaps "nope" not found"#), "{}", text(&missing.stderr));

    let invalid = create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: team\n")?;
    ensure!(text(&invalid.stderr).contains(r#"The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain"#), "{}", text(&invalid.stderr));

    for kubectl in e2e::kubectl::all_versions() {
        let table = plane.kubectl_with(&kubectl, &["get", "namespaces", "team"])?;
        let lines: Vec<Vec<String>> = text(&table.stdout).lines().map(|l| l.split_whitespace().map(str::to_owned).collect()).collect();
        ensure!(lines.first().is_some_and(|h| h == &["NAME", "STATUS", "AGE"]), "{}: {lines:?} {}", kubectl.display(), text(&table.stderr));
        ensure!(lines.get(1).is_some_and(|r| r[..2] == ["team", "Active"] && r[2].ends_with('s')), "{}: {lines:?}", kubectl.display());
    }
    let table = text(&run(&["-n", "team", "get", "configmaps"])?.stdout);
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split_whitespace().collect()).collect();
    ensure!(rows.len() == 2 && rows[0] == ["NAME", "DATA", "AGE"] && rows[1][..2] == ["settings", "1"], "{table}");

    let labeled = run(&["-n", "team", "label", "configmap", "settings", "tier=web"])?;
    ensure!(text(&labeled.stdout).trim() == "configmap/settings labeled", "{}{}", text(&labeled.stdout), text(&labeled.stderr));
    let annotated = run(&["-n", "team", "annotate", "configmap", "settings", "owner=ops"])?;
    ensure!(text(&annotated.stdout).trim() == "configmap/settings annotated", "{}", text(&annotated.stderr));
    let merge = run(&["-n", "team", "patch", "configmap", "settings", "--type=merge", "-p", r#"{"data":{"size":"L"}}"#])?;
    ensure!(merge.status.success(), "{}", text(&merge.stderr));
    let json = run(&["-n", "team", "patch", "configmap", "settings", "--type=json", "-p", r#"[{"op":"replace","path":"/data/color","value":"green"}]"#])?;
    ensure!(json.status.success(), "{}", text(&json.stderr));
    let failing = run(&["-n", "team", "patch", "configmap", "settings", "--type=json", "-p", r#"[{"op":"test","path":"/data/color","value":"red"}]"#])?;
    ensure!(!failing.status.success(), "a failing test op must be refused");
    let fields = run(&["-n", "team", "get", "configmap", "settings", "-o", "jsonpath={.metadata.labels.tier} {.metadata.annotations.owner} {.data.size} {.data.color}"])?;
    ensure!(text(&fields.stdout) == "web ops L green", "{}", text(&fields.stdout));

    for (selector, want) in [("tier=web", "configmap/settings"), ("tier in (web,api)", "configmap/settings"), ("tier!=web", ""), ("!tier", "")] {
        let selected = run(&["-n", "team", "get", "configmaps", "-l", selector, "-o", "name"])?;
        ensure!(text(&selected.stdout).trim() == want, "-l {selector}: {}{}", text(&selected.stdout), text(&selected.stderr));
    }
    let malformed = run(&["-n", "team", "get", "configmaps", "-l", "tier in web"])?;
    ensure!(!malformed.status.success(), "a malformed selector must fail");

    let dry = plane.kubectl_stdin(&["create", "--dry-run=server", "-f", "-"], &settings("dry").replace("name: settings", "name: dry"))?;
    ensure!(text(&dry.stdout).trim() == "configmap/dry created (server dry run)", "{}{}", text(&dry.stdout), text(&dry.stderr));
    ensure!(!run(&["-n", "team", "get", "configmap", "dry"])?.status.success(), "a server dry run must store nothing");
    let dry_delete = run(&["-n", "team", "delete", "configmap", "settings", "--dry-run=server"])?;
    ensure!(text(&dry_delete.stdout).trim() == r#"configmap "settings" deleted (server dry run)"#, "{}{}", text(&dry_delete.stdout), text(&dry_delete.stderr));
    ensure!(run(&["-n", "team", "get", "configmap", "settings"])?.status.success(), "a server dry-run delete must delete nothing");

    let listed = run(&["get", "configmaps", "--all-namespaces", "-o", "name"])?;
    ensure!(text(&listed.stdout).trim() == "configmap/settings", "{}{}", text(&listed.stdout), text(&listed.stderr));
    let deleted = run(&["-n", "team", "delete", "configmap", "settings"])?;
    ensure!(text(&deleted.stdout).trim() == r#"configmap "settings" deleted"#, "{}{}", text(&deleted.stdout), text(&deleted.stderr));
    ensure!(!run(&["-n", "team", "get", "configmap", "settings"])?.status.success());

    for name in ["x1", "x2"] {
        create(&settings("c").replace("name: settings", &format!("name: {name}")))?;
    }
    let collection = run(&["delete", "--raw", "/api/v1/namespaces/team/configmaps"])?;
    ensure!(collection.status.success(), "{}", text(&collection.stderr));
    let left = run(&["-n", "team", "get", "configmaps", "-o", "name"])?;
    ensure!(text(&left.stdout).trim().is_empty(), "deletecollection left {}", text(&left.stdout));
    Ok(())
}

fn watch_events(plane: &ControlPlane, query: &str) -> anyhow::Result<Vec<serde_json::Value>> {
    let out = plane.kubectl(&["get", "--raw", &format!("/api/v1/namespaces/w/configmaps?watch=true&{query}")])?;
    ensure!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(|l| Ok(serde_json::from_str(l)?)).collect()
}

#[test]
fn watch_replays_from_a_resource_version_and_reports_expiry() -> anyhow::Result<()> {
    // A watch cache window of 4 configmap events, so that a version can fall out of it.
    let plane = ControlPlane::start_with(1, &["--watch-cache-sizes=configmaps#4"])?;
    let create = |manifest: &str| plane.kubectl_stdin(&["create", "-f", "-"], manifest);
    create("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: w\n")?;
    let start = text(&plane.kubectl(&["get", "--raw", "/api/v1/namespaces/w/configmaps"])?.stdout);
    let start: serde_json::Value = serde_json::from_str(&start)?;
    let rv = start["metadata"]["resourceVersion"].as_str().unwrap_or_default().to_owned();
    create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: w\n")?;
    create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: w\n")?;
    plane.kubectl(&["-n", "w", "delete", "configmap", "a"])?;

    let events = watch_events(&plane, &format!("resourceVersion={rv}&timeoutSeconds=2"))?;
    let seen: Vec<(String, String)> = events
        .iter()
        .map(|e| (e["type"].as_str().unwrap_or_default().to_owned(), e["object"]["metadata"]["name"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let want = [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")].map(|(t, n)| (t.to_owned(), n.to_owned()));
    ensure!(seen == want, "{seen:?}");

    let only_b = watch_events(&plane, &format!("resourceVersion={rv}&timeoutSeconds=1&fieldSelector=metadata.name%3Db"))?;
    ensure!(only_b.len() == 1 && only_b[0]["object"]["metadata"]["name"] == "b", "{only_b:?}");

    let current = watch_events(&plane, "timeoutSeconds=1")?;
    ensure!(current.len() == 1 && current[0]["type"] == "ADDED" && current[0]["object"]["metadata"]["name"] == "b", "{current:?}");

    // Served from the watch cache, a version inside its window resumes even after etcd
    // compacted it; once later events push it out of the window, it is 410.
    let latest = events.last().and_then(|e| e["object"]["metadata"]["resourceVersion"].as_str()).unwrap_or_default().to_owned();
    plane.etcd().etcdctl_ok(&["compact", &latest])?;
    ensure!(watch_events(&plane, &format!("resourceVersion={rv}&timeoutSeconds=1"))?.len() == 3, "replay after compaction");
    for label in ["x=1", "x=2", "x=3"] {
        ensure!(plane.kubectl(&["-n", "w", "label", "--overwrite", "configmap", "b", label])?.status.success());
    }
    let expired = watch_events(&plane, &format!("resourceVersion={rv}&timeoutSeconds=5"))?;
    ensure!(expired.len() == 1 && expired[0]["type"] == "ERROR" && expired[0]["object"]["code"] == 410, "{expired:?}");
    ensure!(expired[0]["object"]["reason"] == "Expired", "{expired:?}");
    Ok(())
}

#[test]
fn kubectl_discovers_everything_in_one_aggregated_request() -> anyhow::Result<()> {
    let plane = ControlPlane::start_with(1, &["--v=4"])?;
    for kubectl in e2e::kubectl::all_versions() {
        let cache = tempfile::tempdir()?;
        let cache_flag = format!("--cache-dir={}", cache.path().display());
        let before = plane.apiserver_log_text()?.len();
        let out = plane.kubectl_with(&kubectl, &[&cache_flag, "api-resources", "--no-headers"])?;
        ensure!(text(&out.stdout).lines().any(|l| l.starts_with("leases ")), "{}: {}", kubectl.display(), text(&out.stderr));
        let log = plane.apiserver_log_text()?;
        let requests = &log[before..];
        let paths: Vec<&str> = requests.lines().filter_map(|l| l.split("path=").nth(1)).map(str::trim).collect();
        ensure!(paths.contains(&"/apis") && paths.contains(&"/api"), "{}: {paths:?}", kubectl.display());
        ensure!(!paths.iter().any(|p| p.starts_with("/api/v1") || p.starts_with("/apis/")), "{} fell back to per-group discovery: {paths:?}", kubectl.display());
    }
    Ok(())
}

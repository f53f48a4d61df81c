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
    let create = |manifest: &str| plane.kubectl_stdin(&["create", "--validate=false", "-f", "-"], manifest);
    create("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n")?;

    let out = create("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\nstringData:\n  password: hunter2\n")?;
    ensure!(out.status.success(), "{}", text(&out.stderr));
    let password = plane.kubectl(&["-n", "app", "get", "secret", "db", "-o", "jsonpath={.type} {.data.password}"])?;
    ensure!(text(&password.stdout) == "Opaque aHVudGVyMg==", "{}", text(&password.stdout));
    let rows = table(&plane, &["-n", "app", "get", "secrets"])?;
    ensure!(rows[0] == ["NAME", "TYPE", "DATA", "AGE"] && rows[1][..3] == ["db", "Opaque", "1"], "{rows:?}");

    let bad = create("apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\n  namespace: app\ndata:\n  key: '%%%'\n")?;
    ensure!(text(&bad.stderr).contains("data[key]: Invalid value") && text(&bad.stderr).contains("base64"), "{}", text(&bad.stderr));
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

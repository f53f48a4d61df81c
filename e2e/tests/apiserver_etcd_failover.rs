//! Losing one etcd member of three mid-test causes no failed kubectl call.

use anyhow::ensure;
use e2e::control_plane::ControlPlane;

#[test]
fn killing_an_etcd_member_fails_no_kubectl_call() -> anyhow::Result<()> {
    let mut plane = ControlPlane::start_with_etcd_members(3)?;
    let create = |plane: &ControlPlane, i: usize| {
        let manifest = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: default\ndata:\n  i: \"{i}\"\n");
        plane.kubectl_stdin(&["create", "-f", "-"], &manifest)
    };
    for i in 0..5 {
        let out = create(&plane, i)?;
        ensure!(out.status.success(), "before the kill, create {i}: {}", String::from_utf8_lossy(&out.stderr));
    }
    plane.etcd_mut().kill_member(0)?;
    for i in 5..25 {
        let out = create(&plane, i)?;
        ensure!(out.status.success(), "after the kill, create {i}: {}\n{}", String::from_utf8_lossy(&out.stderr), plane.apiserver_log());
        let read = plane.kubectl(&["get", "configmap", &format!("cm-{i}"), "-o", "jsonpath={.data.i}"])?;
        ensure!(String::from_utf8_lossy(&read.stdout) == i.to_string(), "read {i}: {}", String::from_utf8_lossy(&read.stderr));
    }
    let names = plane.kubectl(&["get", "configmaps", "-o", "name"])?;
    ensure!(String::from_utf8_lossy(&names.stdout).lines().count() == 25);
    Ok(())
}

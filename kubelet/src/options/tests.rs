//! Defaults, real command lines and bad values.

use component_base::exec_start;

use super::*;

/// The `ExecStart=` of kubernetes-the-hard-way's `units/kubelet.service` (commit 52eb26d).
const HARD_WAY_EXEC_START: &str = "/usr/local/bin/kubelet \\
  --config=/var/lib/kubelet/kubelet-config.yaml \\
  --kubeconfig=/var/lib/kubelet/kubeconfig \\
  --v=2";

/// The flags kubeadm 1.33 starts the kubelet with (its systemd drop-in and kubeadm-flags.env),
/// with a node IP, labels and the control-plane taint as `nodeRegistration` may add them.
const KUBEADM_ARGS: &[&str] = &[
    "/usr/bin/kubelet",
    "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
    "--kubeconfig=/etc/kubernetes/kubelet.conf",
    "--config=/var/lib/kubelet/config.yaml",
    "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock",
    "--pod-infra-container-image=registry.k8s.io/pause:3.10",
    "--node-ip=192.168.56.10",
    "--node-labels=node.kubernetes.io/exclude-from-external-load-balancers=,tier=control-plane",
    "--register-with-taints=node-role.kubernetes.io/control-plane:NoSchedule",
];

fn parse(args: &[&str]) -> Result<Options, clap::Error> {
    component_base::cli::try_parse_args("kubelet", args)
}

fn path(text: &str) -> Option<PathBuf> {
    Some(PathBuf::from(text))
}

#[test]
fn defaults_are_upstreams() -> Result<(), clap::Error> {
    let o = parse(&[])?;
    assert_eq!(o.root_dir, PathBuf::from("/var/lib/kubelet"));
    assert_eq!(o.server.cert.cert_dir, path("/var/lib/kubelet/pki"));
    assert_eq!(o.container_runtime_endpoint, "unix:///run/containerd/containerd.sock");
    assert_eq!(o.pod_infra_container_image, "registry.k8s.io/pause:3.10");
    assert_eq!(o.cgroup_driver, CgroupDriver::Cgroupfs);
    assert!(o.fail_swap_on);
    assert!(o.registration.register_node);
    assert!(o.registration.node_ip.is_empty() && o.registration.node_labels.is_empty());
    assert_eq!(o.max_pods, 110);
    assert_eq!(o.runtime_request_timeout, GoDuration::from_secs(120));
    assert_eq!((o.server.address, o.server.port), (IpAddr::from([0, 0, 0, 0]), 10250));
    assert_eq!((o.server.healthz_bind_address, o.server.healthz_port), (IpAddr::from([127, 0, 0, 1]), 10248));
    assert!(o.server.anonymous_auth && !o.server.authentication_token_webhook && !o.server.rotate_certificates);
    assert_eq!(o.server.authorization_mode, AuthorizationMode::AlwaysAllow);
    assert_eq!(o.logs.verbosity, 0);
    assert!(o.config.is_none() && o.kubeconfig.kubeconfig.is_none());
    Ok(())
}

#[test]
fn hard_way_unit_parses() -> Result<(), Box<dyn std::error::Error>> {
    let o: Options = component_base::cli::try_parse_from(exec_start::split(HARD_WAY_EXEC_START)?)?;
    assert_eq!(o.config, path("/var/lib/kubelet/kubelet-config.yaml"));
    assert_eq!(o.kubeconfig.kubeconfig, path("/var/lib/kubelet/kubeconfig"));
    assert_eq!(o.logs.verbosity, 2);
    Ok(())
}

#[test]
fn kubeadm_flags_parse() -> Result<(), clap::Error> {
    let o: Options = component_base::cli::try_parse_from(KUBEADM_ARGS)?;
    assert_eq!(o.bootstrap_kubeconfig, path("/etc/kubernetes/bootstrap-kubelet.conf"));
    assert_eq!(o.kubeconfig.kubeconfig, path("/etc/kubernetes/kubelet.conf"));
    assert_eq!(o.config, path("/var/lib/kubelet/config.yaml"));
    assert_eq!(o.container_runtime_endpoint, "unix:///var/run/containerd/containerd.sock");
    assert_eq!(o.registration.node_ip, [IpAddr::from([192, 168, 56, 10])]);
    let labels: Vec<String> = o.registration.node_labels.iter().map(ToString::to_string).collect();
    assert_eq!(labels, ["node.kubernetes.io/exclude-from-external-load-balancers=", "tier=control-plane"]);
    assert_eq!(o.registration.register_with_taints.len(), 1);
    assert_eq!(o.registration.register_with_taints[0].effect, TaintEffect::NoSchedule);
    Ok(())
}

#[test]
fn parses_values() -> Result<(), clap::Error> {
    let o = parse(&[
        "--cgroup-driver=systemd",
        "--fail-swap-on=false",
        "--register-node=false",
        "--node-ip=10.0.0.5,fd00::5",
        "--hostname-override",
        "node-0",
        "--root-dir=/srv/kubelet",
        "--cert-dir=/srv/kubelet/pki",
        "--feature-gates=NodeSwap=true",
        "--authorization-mode=Webhook",
    ])?;
    assert_eq!(o.cgroup_driver, CgroupDriver::Systemd);
    assert!(!o.fail_swap_on && !o.registration.register_node);
    assert_eq!(o.registration.node_ip.len(), 2);
    assert_eq!(o.registration.hostname_override.as_deref(), Some("node-0"));
    assert_eq!(o.root_dir, PathBuf::from("/srv/kubelet"));
    assert_eq!(o.server.cert.cert_dir, path("/srv/kubelet/pki"));
    assert_eq!(o.features.enabled("NodeSwap"), Some(true));
    assert_eq!(o.server.authorization_mode, AuthorizationMode::Webhook);
    Ok(())
}

#[test]
fn bad_flags_fail() {
    let bad: &[&[&str]] = &[
        &["--no-such-flag"],
        &["--node-ip=banana"],
        &["--node-ip=10.0.0.1,10.0.0.2"],
        &["--cgroup-driver=docker"],
        &["--fail-swap-on", "false"],
        &["--register-with-taints=dedicated=gpu"],
        &["--node-labels=novalue"],
        &["--port=notaport"],
        &["--max-pods=-1"],
        &["--runtime-request-timeout=2"],
    ];
    for args in bad {
        assert!(parse(args).is_err(), "{args:?} should fail");
    }
}

//! Defaults, real command lines and bad values.

use std::net::IpAddr;
use std::path::PathBuf;

use component_base::duration::GoDuration;
use component_base::exec_start;

use super::*;

/// The `ExecStart=` of kubernetes-the-hard-way's `units/kube-controller-manager.service` (commit 52eb26d).
const HARD_WAY_EXEC_START: &str = "/usr/local/bin/kube-controller-manager \\
  --bind-address=0.0.0.0 \\
  --cluster-cidr=10.200.0.0/16 \\
  --cluster-name=kubernetes \\
  --cluster-signing-cert-file=/var/lib/kubernetes/ca.crt \\
  --cluster-signing-key-file=/var/lib/kubernetes/ca.key \\
  --kubeconfig=/var/lib/kubernetes/kube-controller-manager.kubeconfig \\
  --root-ca-file=/var/lib/kubernetes/ca.crt \\
  --service-account-private-key-file=/var/lib/kubernetes/service-accounts.key \\
  --service-cluster-ip-range=10.32.0.0/24 \\
  --use-service-account-credentials=true \\
  --v=2";

/// The flags kubeadm 1.33 writes into the controller manager's static pod manifest.
const KUBEADM_ARGS: &[&str] = &[
    "kube-controller-manager",
    "--allocate-node-cidrs=true",
    "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
    "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
    "--bind-address=127.0.0.1",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--cluster-cidr=10.244.0.0/16",
    "--cluster-name=kubernetes",
    "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
    "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
    "--controllers=*,bootstrapsigner,tokencleaner",
    "--kubeconfig=/etc/kubernetes/controller-manager.conf",
    "--leader-elect=true",
    "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
    "--root-ca-file=/etc/kubernetes/pki/ca.crt",
    "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
    "--service-cluster-ip-range=10.96.0.0/12",
    "--use-service-account-credentials=true",
];

fn parse(args: &[&str]) -> Result<Options, clap::Error> {
    component_base::cli::try_parse_args("kube-controller-manager", args)
}

fn path(text: &str) -> Option<PathBuf> {
    Some(PathBuf::from(text))
}

#[test]
fn defaults_are_upstreams() -> Result<(), clap::Error> {
    let o = parse(&[])?;
    assert_eq!(o.control_plane.secure_serving.secure_port, 10257);
    assert_eq!(o.control_plane.secure_serving.bind_address, IpAddr::from([0, 0, 0, 0]));
    assert_eq!(o.cluster_name, "kubernetes");
    assert_eq!(o.generic.controllers, ["*"]);
    assert_eq!(o.generic.min_resync_period, GoDuration::from_secs(12 * 3600));
    assert_eq!(o.credentials.cluster_signing_duration, GoDuration::from_secs(8760 * 3600));
    assert!(!o.credentials.use_service_account_credentials);
    assert!(!o.node_ipam.allocate_node_cidrs && o.node_ipam.cluster_cidr.is_none());
    assert_eq!(o.node_ipam.node_cidr_mask_size, 0);
    assert_eq!(o.node_lifecycle.node_monitor_grace_period, GoDuration::from_secs(50));
    assert_eq!(o.node_lifecycle.node_monitor_period, GoDuration::from_secs(5));
    assert_eq!(o.node_lifecycle.terminated_pod_gc_threshold, 12500);
    assert!(o.control_plane.leader_election.leader_elect);
    assert_eq!(o.control_plane.leader_election_lease(), "kube-controller-manager");
    let c = &o.concurrency;
    let counts = [
        (c.concurrent_deployment_syncs, 5),
        (c.concurrent_replicaset_syncs, 5),
        (c.concurrent_rc_syncs, 5),
        (c.concurrent_statefulset_syncs, 5),
        (c.concurrent_daemonset_syncs, 2),
        (c.concurrent_job_syncs, 5),
        (c.concurrent_cron_job_syncs, 5),
        (c.concurrent_endpoint_syncs, 5),
        (c.concurrent_service_endpoint_syncs, 5),
        (c.concurrent_service_syncs, 1),
        (c.concurrent_namespace_syncs, 10),
        (c.concurrent_resource_quota_syncs, 5),
        (c.concurrent_serviceaccount_token_syncs, 5),
        (c.concurrent_gc_syncs, 20),
        (c.concurrent_ttl_after_finished_syncs, 5),
        (c.concurrent_horizontal_pod_autoscaler_syncs, 5),
    ];
    for (index, (got, want)) in counts.into_iter().enumerate() {
        assert_eq!(got, want, "concurrency flag #{index}");
    }
    Ok(())
}

#[test]
fn hard_way_unit_parses() -> Result<(), Box<dyn std::error::Error>> {
    let o: Options = component_base::cli::try_parse_from(exec_start::split(HARD_WAY_EXEC_START)?)?;
    assert_eq!(o.control_plane.secure_serving.bind_address, IpAddr::from([0, 0, 0, 0]));
    assert_eq!(o.node_ipam.cluster_cidr.map(|c| c.to_string()).as_deref(), Some("10.200.0.0/16"));
    assert_eq!(o.cluster_name, "kubernetes");
    assert_eq!(o.credentials.cluster_signing_cert_file, path("/var/lib/kubernetes/ca.crt"));
    assert_eq!(o.credentials.cluster_signing_key_file, path("/var/lib/kubernetes/ca.key"));
    assert_eq!(o.control_plane.kubeconfig.kubeconfig, path("/var/lib/kubernetes/kube-controller-manager.kubeconfig"));
    assert_eq!(o.credentials.root_ca_file, path("/var/lib/kubernetes/ca.crt"));
    assert_eq!(o.credentials.service_account_private_key_file, path("/var/lib/kubernetes/service-accounts.key"));
    assert_eq!(o.node_ipam.service_cluster_ip_range.map(|c| c.to_string()).as_deref(), Some("10.32.0.0/24"));
    assert!(o.credentials.use_service_account_credentials);
    assert_eq!(o.logs.verbosity, 2);
    Ok(())
}

#[test]
fn kubeadm_manifest_parses() -> Result<(), clap::Error> {
    let o: Options = component_base::cli::try_parse_from(KUBEADM_ARGS)?;
    let conf = path("/etc/kubernetes/controller-manager.conf");
    assert!(o.node_ipam.allocate_node_cidrs);
    assert_eq!(o.control_plane.authentication.authentication_kubeconfig, conf);
    assert_eq!(o.control_plane.authorization.authorization_kubeconfig, conf);
    assert_eq!(o.control_plane.kubeconfig.kubeconfig, conf);
    assert_eq!(o.control_plane.authentication.client_cert.client_ca_file, path("/etc/kubernetes/pki/ca.crt"));
    assert_eq!(o.control_plane.authentication.request_header.requestheader_client_ca_file, path("/etc/kubernetes/pki/front-proxy-ca.crt"));
    assert_eq!(o.generic.controllers, ["*", "bootstrapsigner", "tokencleaner"]);
    assert!(o.generic.is_enabled("bootstrapsigner", false));
    assert!(o.generic.is_enabled("deployment", true));
    assert!(!o.generic.is_enabled("nodeipam-legacy", false));
    assert_eq!(o.control_plane.secure_serving.bind_address, IpAddr::from([127, 0, 0, 1]));
    Ok(())
}

#[test]
fn controllers_can_be_left_out() -> Result<(), clap::Error> {
    let o = parse(&["--controllers=*,-ttl", "--controllers", "bootstrapsigner"])?;
    assert!(!o.generic.is_enabled("ttl", true));
    assert!(o.generic.is_enabled("bootstrapsigner", false));
    Ok(())
}

#[test]
fn bad_flags_fail() {
    let bad: &[&[&str]] = &[
        &["--no-such-flag"],
        &["--secure-port=notaport"],
        &["--service-cluster-ip-range=banana"],
        &["--cluster-cidr=10.0.0.0/8,10.1.0.0/16"],
        &["--leader-elect", "false"],
        &["--node-cidr-mask-size-ipv4=33"],
        &["--node-monitor-grace-period=40"],
        &["--concurrent-gc-syncs=-1"],
        &["--use-service-account-credentials=yes"],
        &["--cluster-signing-cert-file=/ca.crt"],
    ];
    for args in bad {
        assert!(parse(args).is_err(), "{args:?} should fail");
    }
}

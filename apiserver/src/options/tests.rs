//! Defaults, real command lines and bad values.

use std::net::IpAddr;
use std::path::PathBuf;

use component_base::duration::GoDuration;
use component_base::exec_start;

use super::*;

/// The `ExecStart=` of kubernetes-the-hard-way's `units/kube-apiserver.service` (commit 52eb26d).
const HARD_WAY_EXEC_START: &str = "/usr/local/bin/kube-apiserver \\
  --allow-privileged=true \\
  --audit-log-maxage=30 \\
  --audit-log-maxbackup=3 \\
  --audit-log-maxsize=100 \\
  --audit-log-path=/var/log/audit.log \\
  --authorization-mode=Node,RBAC \\
  --bind-address=0.0.0.0 \\
  --client-ca-file=/var/lib/kubernetes/ca.crt \\
  --enable-admission-plugins=NamespaceLifecycle,NodeRestriction,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota \\
  --etcd-servers=http://127.0.0.1:2379 \\
  --event-ttl=1h \\
  --encryption-provider-config=/var/lib/kubernetes/encryption-config.yaml \\
  --kubelet-certificate-authority=/var/lib/kubernetes/ca.crt \\
  --kubelet-client-certificate=/var/lib/kubernetes/kube-api-server.crt \\
  --kubelet-client-key=/var/lib/kubernetes/kube-api-server.key \\
  --runtime-config='api/all=true' \\
  --service-account-key-file=/var/lib/kubernetes/service-accounts.crt \\
  --service-account-signing-key-file=/var/lib/kubernetes/service-accounts.key \\
  --service-account-issuer=https://server.kubernetes.local:6443 \\
  --service-node-port-range=30000-32767 \\
  --tls-cert-file=/var/lib/kubernetes/kube-api-server.crt \\
  --tls-private-key-file=/var/lib/kubernetes/kube-api-server.key \\
  --v=2";

/// The flags kubeadm 1.33 writes into the API server's static pod manifest.
const KUBEADM_ARGS: &[&str] = &[
    "kube-apiserver",
    "--advertise-address=192.168.56.10",
    "--allow-privileged=true",
    "--authorization-mode=Node,RBAC",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--enable-admission-plugins=NodeRestriction",
    "--enable-bootstrap-token-auth=true",
    "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
    "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
    "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
    "--etcd-servers=https://127.0.0.1:2379",
    "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
    "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
    "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
    "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
    "--requestheader-allowed-names=front-proxy-client",
    "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
    "--requestheader-extra-headers-prefix=X-Remote-Extra-",
    "--requestheader-group-headers=X-Remote-Group",
    "--requestheader-username-headers=X-Remote-User",
    "--secure-port=6443",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
    "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
    "--service-cluster-ip-range=10.96.0.0/12",
    "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
    "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
];

/// The fewest flags upstream's API server starts with.
const REQUIRED: &[&str] = &[
    "--etcd-servers=http://127.0.0.1:2379",
    "--service-account-issuer=https://kubernetes.default.svc",
    "--service-account-key-file=/sa.pub",
    "--service-account-signing-key-file=/sa.key",
];

fn parse(args: &[&str]) -> Result<Options, clap::Error> {
    component_base::cli::try_parse_from(std::iter::once("kube-apiserver").chain(REQUIRED.iter().chain(args).copied()))
}

fn path(text: &str) -> Option<PathBuf> {
    Some(PathBuf::from(text))
}

#[test]
fn defaults_are_upstreams() -> Result<(), clap::Error> {
    let o = parse(&[])?;
    assert_eq!(o.secure_serving.secure_port, 6443);
    assert_eq!(o.secure_serving.bind_address, IpAddr::from([0, 0, 0, 0]));
    assert_eq!(o.secure_serving.cert.cert_dir, path("/var/run/kubernetes"));
    assert_eq!(o.etcd.etcd_prefix, "/registry");
    assert_eq!(o.etcd.storage_media_type, "application/vnd.kubernetes.protobuf");
    assert_eq!(o.etcd.etcd_compaction_interval, GoDuration::from_secs(300));
    assert!(o.etcd.watch_cache && o.etcd.enable_garbage_collector);
    assert_eq!((o.server_run.max_requests_inflight, o.server_run.max_mutating_requests_inflight), (400, 200));
    assert!(o.server_run.enable_priority_and_fairness);
    assert_eq!(o.server_run.request_timeout, GoDuration::from_secs(60));
    assert_eq!(o.server_run.min_request_timeout, 1800);
    assert_eq!(o.services.service_node_port_range.to_string(), "30000-32767");
    assert_eq!(o.services.effective_service_cluster_ip_range().to_string(), "10.0.0.0/24");
    assert_eq!(o.services.endpoint_reconciler_type, EndpointReconcilerType::Lease);
    assert!(o.authentication.anonymous_auth && !o.authentication.enable_bootstrap_token_auth);
    assert_eq!(o.authentication.authentication_token_webhook_cache_ttl, GoDuration::from_secs(120));
    assert!(o.authentication.request_header.requestheader_username_headers.is_empty());
    assert_eq!(o.authentication.oidc.oidc_username_claim, "sub");
    assert_eq!(o.authentication.oidc.oidc_signing_algs, ["RS256"]);
    assert!(o.authentication.service_accounts.service_account_lookup);
    assert_eq!(o.authorization.effective_modes(), [AuthorizationMode::AlwaysAllow]);
    assert_eq!(o.authorization.authorization_webhook_cache_authorized_ttl, GoDuration::from_secs(300));
    assert_eq!(o.authorization.authorization_webhook_cache_unauthorized_ttl, GoDuration::from_secs(30));
    assert_eq!(o.admission.effective_plugins(), DEFAULT_ENABLED_PLUGINS);
    assert_eq!((o.audit.audit_log_format, o.audit.audit_log_mode), (AuditLogFormat::Json, AuditMode::Blocking));
    assert_eq!(o.audit.audit_webhook_mode, AuditMode::Batch);
    use NodeAddressType::*;
    assert_eq!(o.kubelet_client.kubelet_preferred_address_types, [Hostname, InternalDns, InternalIp, ExternalDns, ExternalIp]);
    assert_eq!(o.kubelet_client.kubelet_timeout, GoDuration::from_secs(5));
    assert_eq!(o.misc.event_ttl, GoDuration::from_secs(3600));
    assert!(!o.misc.allow_privileged && o.misc.profiling && o.misc.aggregator_reject_forwarding_redirect);
    assert!(o.api_enablement.runtime_config.is_empty() && o.features.feature_gates.is_empty());
    Ok(())
}

#[test]
fn hard_way_unit_parses() -> Result<(), Box<dyn std::error::Error>> {
    let o: Options = component_base::cli::try_parse_from(exec_start::split(HARD_WAY_EXEC_START)?)?;
    assert!(o.misc.allow_privileged);
    assert_eq!((o.audit.audit_log_maxage, o.audit.audit_log_maxbackup, o.audit.audit_log_maxsize), (30, 3, 100));
    assert_eq!(o.audit.audit_log_path, path("/var/log/audit.log"));
    assert_eq!(o.authorization.authorization_mode, [AuthorizationMode::Node, AuthorizationMode::Rbac]);
    assert_eq!(o.secure_serving.bind_address, IpAddr::from([0, 0, 0, 0]));
    assert_eq!(o.authentication.client_cert.client_ca_file, path("/var/lib/kubernetes/ca.crt"));
    assert_eq!(
        o.admission.enable_admission_plugins,
        ["NamespaceLifecycle", "NodeRestriction", "LimitRanger", "ServiceAccount", "DefaultStorageClass", "ResourceQuota"]
    );
    assert!(o.admission.effective_plugins().contains(&"NodeRestriction"));
    assert_eq!(o.etcd.etcd_servers, ["http://127.0.0.1:2379"]);
    assert_eq!(o.misc.event_ttl, GoDuration::from_secs(3600));
    assert_eq!(o.etcd.encryption_provider_config, path("/var/lib/kubernetes/encryption-config.yaml"));
    assert_eq!(o.kubelet_client.kubelet_certificate_authority, path("/var/lib/kubernetes/ca.crt"));
    assert_eq!(o.kubelet_client.kubelet_client_certificate, path("/var/lib/kubernetes/kube-api-server.crt"));
    assert_eq!(o.kubelet_client.kubelet_client_key, path("/var/lib/kubernetes/kube-api-server.key"));
    assert_eq!(o.api_enablement.runtime_config, [ApiToggle { key: "api/all".into(), enabled: true }]);
    let accounts = &o.authentication.service_accounts;
    assert_eq!(accounts.service_account_key_file, [PathBuf::from("/var/lib/kubernetes/service-accounts.crt")]);
    assert_eq!(accounts.service_account_signing_key_file, path("/var/lib/kubernetes/service-accounts.key"));
    assert_eq!(accounts.service_account_issuer, ["https://server.kubernetes.local:6443"]);
    assert_eq!(o.services.service_node_port_range.to_string(), "30000-32767");
    assert_eq!(o.secure_serving.cert.tls_cert_file, path("/var/lib/kubernetes/kube-api-server.crt"));
    assert_eq!(o.secure_serving.cert.tls_private_key_file, path("/var/lib/kubernetes/kube-api-server.key"));
    assert_eq!(o.logs.verbosity, 2);
    Ok(())
}

#[test]
fn kubeadm_manifest_parses() -> Result<(), clap::Error> {
    let o: Options = component_base::cli::try_parse_from(KUBEADM_ARGS)?;
    assert_eq!(o.server_run.advertise_address, Some(IpAddr::from([192, 168, 56, 10])));
    assert!(o.authentication.enable_bootstrap_token_auth);
    assert_eq!(o.etcd.etcd_cafile, path("/etc/kubernetes/pki/etcd/ca.crt"));
    assert_eq!(o.etcd.etcd_certfile, path("/etc/kubernetes/pki/apiserver-etcd-client.crt"));
    assert_eq!(o.etcd.etcd_keyfile, path("/etc/kubernetes/pki/apiserver-etcd-client.key"));
    use NodeAddressType::*;
    assert_eq!(o.kubelet_client.kubelet_preferred_address_types, [InternalIp, ExternalIp, Hostname]);
    assert_eq!(o.misc.proxy_client_cert_file, path("/etc/kubernetes/pki/front-proxy-client.crt"));
    assert_eq!(o.misc.proxy_client_key_file, path("/etc/kubernetes/pki/front-proxy-client.key"));
    let headers = &o.authentication.request_header;
    assert_eq!(headers.requestheader_allowed_names, ["front-proxy-client"]);
    assert_eq!(headers.requestheader_client_ca_file, path("/etc/kubernetes/pki/front-proxy-ca.crt"));
    assert_eq!(headers.requestheader_extra_headers_prefix, ["X-Remote-Extra-"]);
    assert_eq!(headers.requestheader_group_headers, ["X-Remote-Group"]);
    assert_eq!(headers.requestheader_username_headers, ["X-Remote-User"]);
    assert_eq!(o.services.service_cluster_ip_range.map(|r| r.to_string()).as_deref(), Some("10.96.0.0/12"));
    Ok(())
}

#[test]
fn parses_other_flags() -> Result<(), clap::Error> {
    let o = parse(&[
        "--anonymous-auth=false",
        "--api-audiences=https://kubernetes.default.svc,other",
        "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
        "--etcd-prefix=/ferrokube",
        "--external-hostname=api.example.com",
        "--feature-gates=kube:CoordinatedLeaderElection=true,NodeSwap=false",
        "--max-requests-inflight=800",
        "--max-mutating-requests-inflight",
        "400",
        "--enable-priority-and-fairness=false",
        "--runtime-config=api/all=true,batch/v1=false,apps/v1",
        "--token-auth-file=/etc/kubernetes/tokens.csv",
        "--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/108",
        "--disable-admission-plugins=PodSecurity",
        "--authorization-mode=Webhook",
        "--authorization-webhook-config-file=/etc/kubernetes/authz.conf",
    ])?;
    assert!(!o.authentication.anonymous_auth);
    assert_eq!(o.authentication.api_audiences, ["https://kubernetes.default.svc", "other"]);
    assert_eq!(o.audit.audit_policy_file, path("/etc/kubernetes/audit-policy.yaml"));
    assert_eq!(o.etcd.etcd_prefix, "/ferrokube");
    assert_eq!(o.server_run.external_hostname.as_deref(), Some("api.example.com"));
    assert_eq!(o.features.enabled("CoordinatedLeaderElection"), Some(true));
    assert_eq!(o.features.enabled("NodeSwap"), Some(false));
    assert_eq!((o.server_run.max_requests_inflight, o.server_run.max_mutating_requests_inflight), (800, 400));
    assert!(!o.server_run.enable_priority_and_fairness);
    let toggles: Vec<String> = o.api_enablement.runtime_config.iter().map(ToString::to_string).collect();
    assert_eq!(toggles, ["api/all=true", "batch/v1=false", "apps/v1=true"]);
    assert_eq!(o.authentication.token_auth_file, path("/etc/kubernetes/tokens.csv"));
    assert_eq!(o.services.effective_service_cluster_ip_range().cidrs().len(), 2);
    assert!(!o.admission.effective_plugins().contains(&"PodSecurity"));
    assert_eq!(o.authorization.effective_modes(), [AuthorizationMode::Webhook]);
    Ok(())
}

#[test]
fn repeated_flags_behave_like_pflag() -> Result<(), clap::Error> {
    let o = parse(&["--secure-port=1", "--secure-port=2", "--etcd-servers=http://a:2379", "--etcd-servers=http://b:2379,http://c:2379"])?;
    assert_eq!(o.secure_serving.secure_port, 2, "a repeated single-valued flag keeps the last value");
    let servers = &o.etcd.etcd_servers;
    assert_eq!(servers[servers.len() - 3..], ["http://a:2379", "http://b:2379", "http://c:2379"], "slices append");
    Ok(())
}

#[test]
fn bad_flags_fail() {
    let bad: &[&[&str]] = &[
        &["--no-such-flag"],
        &["--secure-port=notaport"],
        &["--secure-port=0"],
        &["--service-cluster-ip-range=banana"],
        &["--service-node-port-range=32767-30000"],
        &["--service-node-port-range=low-high"],
        &["--advertise-address=banana"],
        &["--etcd-servers=127.0.0.1:2379"],
        &["--authorization-mode=Node,Magic"],
        &["--authorization-mode=RBAC,RBAC"],
        &["--authorization-mode=ABAC"],
        &["--authorization-policy-file=/policy.jsonl"],
        &["--authorization-mode=RBAC", "--authorization-config=/authz.yaml"],
        &["--enable-admission-plugins=NoSuchPlugin"],
        &["--runtime-config=api/all=maybe"],
        &["--feature-gates=Foo"],
        &["--allow-privileged", "false"],
        &["--anonymous-auth=yes"],
        &["--event-ttl=1"],
        &["--goaway-chance=0.5"],
        &["--kubelet-preferred-address-types=Hostname,Somewhere"],
        &["--audit-log-mode=eventually"],
        &["--kubernetes-service-node-port=80"],
        &["--max-requests-inflight=0", "--max-mutating-requests-inflight=0"],
        &["--tls-cert-file=/only-the-cert.crt"],
    ];
    for args in bad {
        assert!(parse(args).is_err(), "{args:?} should fail");
    }
}

#[test]
fn required_flags_are_required() {
    let without = |flag: &str| -> Vec<&str> { REQUIRED.iter().copied().filter(|arg| !arg.starts_with(flag)).collect() };
    for flag in ["--etcd-servers", "--service-account-issuer", "--service-account-signing-key-file", "--service-account-key-file"] {
        let args = without(flag);
        let result: Result<Options, _> = component_base::cli::try_parse_from(std::iter::once("kube-apiserver").chain(args));
        assert!(result.is_err(), "missing {flag} should fail");
    }
}

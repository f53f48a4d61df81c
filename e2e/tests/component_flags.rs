//! The five component binaries take upstream's flags: `--help` lists them, an unknown flag or a
//! bad value fails with a message naming it, and valid flags reach the honest "not implemented
//! yet" exit. Needs `cargo build --workspace --bins` first.

use std::process::{Command, Output};

use e2e::binaries::bin_path;

/// What each binary is run with.
struct Component {
    /// The binary's name.
    binary: &'static str,
    /// Flags its `--help` must list.
    listed_flags: &'static [&'static str],
    /// A valid command line (as kubernetes-the-hard-way's units and kubeadm pass them).
    valid_args: &'static [&'static str],
    /// A known flag with a value it must reject.
    bad_value: &'static str,
}

const COMPONENTS: &[Component] = &[
    Component {
        binary: "kube-apiserver",
        listed_flags: &["--etcd-servers", "--secure-port", "--service-cluster-ip-range", "--authorization-mode", "--runtime-config"],
        valid_args: &[
            "--allow-privileged=true",
            "--authorization-mode=Node,RBAC",
            "--etcd-servers=http://127.0.0.1:2379",
            "--runtime-config=api/all=true",
            "--service-account-issuer=https://server.kubernetes.local:6443",
            "--service-account-key-file=/var/lib/kubernetes/service-accounts.crt",
            "--service-account-signing-key-file=/var/lib/kubernetes/service-accounts.key",
            "--service-node-port-range=30000-32767",
            "--v=2",
        ],
        bad_value: "--service-cluster-ip-range=banana",
    },
    Component {
        binary: "kube-controller-manager",
        listed_flags: &["--cluster-cidr", "--controllers", "--leader-elect", "--secure-port", "--use-service-account-credentials"],
        valid_args: &[
            "--cluster-cidr=10.200.0.0/16",
            "--kubeconfig=/var/lib/kubernetes/kube-controller-manager.kubeconfig",
            "--service-cluster-ip-range=10.32.0.0/24",
            "--use-service-account-credentials=true",
            "--leader-elect=false",
            "--v=2",
        ],
        bad_value: "--secure-port=notaport",
    },
    Component {
        binary: "kube-scheduler",
        listed_flags: &["--config", "--authentication-kubeconfig", "--leader-elect", "--secure-port"],
        valid_args: &["--config=/etc/kubernetes/config/kube-scheduler.yaml", "--v=2"],
        bad_value: "--secure-port=notaport",
    },
    Component {
        binary: "kubelet",
        listed_flags: &["--config", "--kubeconfig", "--container-runtime-endpoint", "--node-ip", "--root-dir", "--fail-swap-on"],
        valid_args: &["--config=/var/lib/kubelet/kubelet-config.yaml", "--kubeconfig=/var/lib/kubelet/kubeconfig", "--v=2"],
        bad_value: "--node-ip=banana",
    },
    Component {
        binary: "kube-proxy",
        listed_flags: &["--config", "--proxy-mode", "--cluster-cidr", "--healthz-bind-address", "--metrics-bind-address"],
        valid_args: &["--config=/var/lib/kube-proxy/kube-proxy-config.yaml"],
        bad_value: "--proxy-mode=userspace",
    },
];

fn run(binary: &str, args: &[&str]) -> Output {
    Command::new(bin_path(binary))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap_or_else(|err| panic!("cannot run {binary}: {err}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_upstream_flags() {
    for component in COMPONENTS {
        let output = run(component.binary, &["--help"]);
        let stdout = text(&output.stdout);
        assert!(output.status.success(), "{} --help: {:?}\n{}", component.binary, output.status, text(&output.stderr));
        for flag in component.listed_flags.iter().chain(&["--v", "--feature-gates"]) {
            assert!(stdout.contains(flag), "{} --help does not list {flag}:\n{stdout}", component.binary);
        }
    }
}

#[test]
fn unknown_flag_fails_naming_it() {
    for component in COMPONENTS {
        let output = run(component.binary, &["--no-such-flag"]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{} --no-such-flag: {stderr}", component.binary);
        assert!(stderr.contains("--no-such-flag"), "{}: stderr does not name the flag:\n{stderr}", component.binary);
    }
}

#[test]
fn bad_value_fails_naming_the_flag() {
    for component in COMPONENTS {
        let output = run(component.binary, &[component.bad_value]);
        let stderr = text(&output.stderr);
        let flag = component.bad_value.split('=').next().unwrap_or_default();
        assert_eq!(output.status.code(), Some(2), "{} {}: {stderr}", component.binary, component.bad_value);
        assert!(stderr.contains(flag), "{}: stderr does not name {flag}:\n{stderr}", component.binary);
    }
}

#[test]
fn bool_flag_does_not_take_a_separate_value() {
    let output = run("kube-scheduler", &["--leader-elect", "false"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
}

#[test]
fn valid_flags_reach_not_implemented() {
    for component in COMPONENTS.iter().filter(|c| c.binary != "kube-apiserver") {
        let output = run(component.binary, component.valid_args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{} {:?}: {stderr}", component.binary, component.valid_args);
        assert!(
            stderr.contains(&format!("{}: flags accepted;", component.binary)) && stderr.contains("not implemented yet"),
            "{}: unexpected stderr:\n{stderr}",
            component.binary
        );
    }
}

#[test]
fn apiserver_with_valid_flags_names_what_it_cannot_read() {
    let apiserver = COMPONENTS.iter().find(|c| c.binary == "kube-apiserver").map(|c| c.valid_args).unwrap_or_default();
    let mut args = apiserver.to_vec();
    args.extend(["--tls-cert-file=/nonexistent/apiserver.crt", "--tls-private-key-file=/nonexistent/apiserver.key"]);
    let output = run("kube-apiserver", &args);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "flags are fine, so this is not a usage error: {stderr}");
    assert!(stderr.contains("failed to read --tls-cert-file /nonexistent/apiserver.crt"), "{stderr}");
}

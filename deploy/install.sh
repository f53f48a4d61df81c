#!/usr/bin/env bash
# Installs ferrokube on this Debian machine and brings up what exists today:
# the binaries in /usr/local/bin, kubeadm's PKI in /etc/kubernetes/pki, the kubeconfigs in
# /etc/kubernetes, a single-member etcd serving mTLS on 127.0.0.1:2379 with that PKI, and
# kube-apiserver on 127.0.0.1:6443 (a first set of resources).
# The scheduler, controller-manager, kubelet and kube-proxy parse their flags but do not run yet.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=/usr/local/bin
cert_dir=/etc/kubernetes/pki
etcd_data=/var/lib/etcd
log_dir=/var/log/ferrokube

step() { printf '[install] %s\n' "$*"; }
die() { printf '[install] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"
# Under sudo, build as the invoking user (so target/ stays theirs) with their rustup toolchain,
# which sudo's secure_path leaves off PATH.
build_user=${SUDO_USER:-root}
build_home=$(getent passwd "$build_user" | cut -d: -f6)
cargo_bin=$(command -v cargo || true)
[ -n "$cargo_bin" ] || [ ! -x "$build_home/.cargo/bin/cargo" ] || cargo_bin="$build_home/.cargo/bin/cargo"
[ -n "$cargo_bin" ] || die "cargo is not installed; install Rust with https://rustup.rs and re-run"
as_builder() { if [ "$build_user" = root ]; then "$@"; else runuser -u "$build_user" -- "$@"; fi; }

step "installing Debian packages (etcd-server etcd-client openssl protobuf-compiler curl)"
# Keep the package's own etcd service from starting: ours uses the cluster PKI.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade etcd-server etcd-client openssl protobuf-compiler curl >/dev/null

step "building release binaries (a few minutes the first time)"
as_builder env PATH="$(dirname "$cargo_bin"):$PATH" "$cargo_bin" build --release --locked --bins --manifest-path "$repo/Cargo.toml"
for bin in kubeadm kube-apiserver kube-scheduler kube-controller-manager kubelet kube-proxy; do
    install -m 0755 "$repo/target/release/$bin" "$prefix/$bin"
done

step "generating the cluster PKI and kubeconfigs"
"$prefix/kubeadm" init phase certs all --cert-dir "$cert_dir" --apiserver-advertise-address 127.0.0.1
"$prefix/kubeadm" init phase kubeconfig all --cert-dir "$cert_dir" --apiserver-advertise-address 127.0.0.1

etcdctl_tls=(--endpoints=https://127.0.0.1:2379 --cacert="$cert_dir/etcd/ca.crt"
    --cert="$cert_dir/etcd/healthcheck-client.crt" --key="$cert_dir/etcd/healthcheck-client.key")
etcd_healthy() { ETCDCTL_API=3 etcdctl --command-timeout=2s "${etcdctl_tls[@]}" endpoint health >/dev/null 2>&1; }
apiserver_ready() {
    curl -fsS --max-time 2 --cacert "$cert_dir/ca.crt" https://127.0.0.1:6443/readyz >/dev/null 2>&1
}
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
    local what=$1 check=$2
    for _ in $(seq 1 150); do
        "$check" && return 0
        sleep 0.2
    done
    die "$what did not become ready; see $log_dir/$what.log (or journalctl -u $what)"
}

# Starts systemd/NAME.service: as a unit where systemd runs, else its ExecStart in the background.
# A component already healthy on its port is kept; a foreign process on the port is an error.
start_unit() {
    local name=$1 port=$2 healthy=$3
    if [ -d /run/systemd/system ]; then
        install -m 0644 "$repo/systemd/$name.service" "/etc/systemd/system/$name.service"
        systemctl daemon-reload
        systemctl enable "$name.service"
        systemctl restart "$name.service"
    elif "$healthy"; then
        step "$name already serves 127.0.0.1:$port; keeping it"
    elif port_in_use "$port"; then
        die "something else listens on 127.0.0.1:$port; stop it and re-run"
    else
        local exec_start
        exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$repo/systemd/$name.service" | sed 's/^ExecStart=//; s/\\$//' | tr -s ' \n' ' ')
        # shellcheck disable=SC2086
        setsid $exec_start >"$log_dir/$name.log" 2>&1 < /dev/null &
    fi
    wait_for "$name" "$healthy"
}

install -d -m 0700 "$etcd_data"
install -d "$log_dir"
step "starting etcd with mTLS on 127.0.0.1:2379"
start_unit etcd 2379 etcd_healthy
step "starting kube-apiserver on 127.0.0.1:6443"
start_unit kube-apiserver 6443 apiserver_ready

"$prefix/kubeadm" certs check-expiration --cert-dir "$cert_dir"
cat <<DONE

[install] done. Running: etcd (mTLS on 127.0.0.1:2379) and kube-apiserver (127.0.0.1:6443).
[install] Try: kubectl --kubeconfig /etc/kubernetes/admin.conf get namespaces
[install] The apiserver serves namespaces, configmaps, secrets, serviceaccounts and leases so
[install] far (create them with 'kubectl create --validate=false -f FILE'); the scheduler,
[install] controller-manager, kubelet and kube-proxy accept their upstream flags but do not run yet.
DONE

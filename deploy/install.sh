#!/usr/bin/env bash
# Installs ferrokube on this Debian machine and brings up what exists today:
# the binaries in /usr/local/bin, kubeadm's PKI in /etc/kubernetes/pki, the kubeconfigs in
# /etc/kubernetes, and a single-member etcd serving mTLS on 127.0.0.1:2379 with that PKI.
# The apiserver and the other components parse their upstream flags but do not run yet.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=/usr/local/bin
cert_dir=/etc/kubernetes/pki
etcd_data=/var/lib/etcd
log_dir=/var/log/ferrokube

step() { printf '[install] %s\n' "$*"; }
die() { printf '[install] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"
command -v cargo >/dev/null || die "cargo is not installed; install Rust with https://rustup.rs and re-run"

step "installing Debian packages (etcd-server etcd-client openssl protobuf-compiler)"
# Keep the package's own etcd service from starting: ours uses the cluster PKI.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade etcd-server etcd-client openssl protobuf-compiler >/dev/null

step "building release binaries (a few minutes the first time)"
cargo build --release --locked --bins --manifest-path "$repo/Cargo.toml"
for bin in kubeadm kube-apiserver kube-scheduler kube-controller-manager kubelet kube-proxy; do
    install -m 0755 "$repo/target/release/$bin" "$prefix/$bin"
done

step "generating the cluster PKI and kubeconfigs"
kubeadm init phase certs all --cert-dir "$cert_dir" --apiserver-advertise-address 127.0.0.1
kubeadm init phase kubeconfig all --cert-dir "$cert_dir" --apiserver-advertise-address 127.0.0.1

etcdctl_tls=(--endpoints=https://127.0.0.1:2379 --cacert="$cert_dir/etcd/ca.crt"
    --cert="$cert_dir/etcd/healthcheck-client.crt" --key="$cert_dir/etcd/healthcheck-client.key")
etcd_healthy() { ETCDCTL_API=3 etcdctl --command-timeout=2s "${etcdctl_tls[@]}" endpoint health >/dev/null 2>&1; }
port_in_use() { (exec 3<>/dev/tcp/127.0.0.1/2379) 2>/dev/null; }

step "starting etcd with mTLS on 127.0.0.1:2379"
install -d -m 0700 "$etcd_data"
install -d "$log_dir"
if [ -d /run/systemd/system ]; then
    install -m 0644 "$repo/systemd/etcd.service" /etc/systemd/system/etcd.service
    systemctl daemon-reload
    systemctl enable etcd.service
    systemctl restart etcd.service
elif etcd_healthy; then
    step "etcd already serves 127.0.0.1:2379 with this PKI; keeping it"
elif port_in_use; then
    die "something else listens on 127.0.0.1:2379; stop it and re-run"
else
    # No systemd as PID 1 (containers): run the unit's command line in the background.
    exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$repo/systemd/etcd.service" | sed 's/^ExecStart=//; s/\\$//' | tr -s ' \n' ' ')
    # shellcheck disable=SC2086
    setsid $exec_start >"$log_dir/etcd.log" 2>&1 < /dev/null &
fi

for _ in $(seq 1 100); do
    etcd_healthy && break
    sleep 0.2
done
ETCDCTL_API=3 etcdctl "${etcdctl_tls[@]}" endpoint health || die "etcd did not become healthy; see $log_dir/etcd.log"

kubeadm certs check-expiration --cert-dir "$cert_dir"
cat <<DONE

[install] done. What runs now: etcd with kubeadm's PKI (mTLS on 127.0.0.1:2379).
[install] Binaries are in $prefix; kubeconfigs in /etc/kubernetes (admin.conf, ...).
[install] kube-apiserver, kube-scheduler, kube-controller-manager, kubelet and kube-proxy
[install] accept their upstream flags but are not implemented yet, so there is no API to
[install] point kubectl at so far.
DONE

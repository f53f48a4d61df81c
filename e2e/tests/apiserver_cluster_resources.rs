//! The cluster resources (nodes, services, endpoints, events, volumes, RBAC, classes,
//! ingresses) through real kubectl: manifests in, upstream's tables and errors out.

use anyhow::ensure;
use e2e::control_plane::ControlPlane;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The words of each line `kubectl` printed (table cells hold no spaces in these tests).
fn rows(plane: &ControlPlane, args: &[&str]) -> anyhow::Result<Vec<Vec<String>>> {
    let out = plane.kubectl(args)?;
    ensure!(out.status.success(), "kubectl {args:?}: {}", text(&out.stderr));
    Ok(text(&out.stdout).lines().map(|l| l.split_whitespace().map(str::to_owned).collect()).collect())
}

fn create(plane: &ControlPlane, manifest: &str) -> anyhow::Result<()> {
    let out = plane.kubectl_stdin(&["create", "--validate=false", "-f", "-"], manifest)?;
    ensure!(out.status.success(), "{}\n{}", text(&out.stderr), plane.apiserver_log());
    Ok(())
}

/// kubectl's stderr for a command that must fail.
fn refused(plane: &ControlPlane, args: &[&str]) -> anyhow::Result<String> {
    let out = plane.kubectl(args)?;
    ensure!(!out.status.success(), "kubectl {args:?} succeeded: {}", text(&out.stdout));
    Ok(text(&out.stderr))
}

const NODE: &str = "apiVersion: v1
kind: Node
metadata:
  name: worker-1
  labels:
    node-role.kubernetes.io/control-plane: \"\"
status:
  conditions:
  - type: Ready
    status: \"True\"
    reason: KubeletReady
  addresses:
  - type: InternalIP
    address: 10.0.0.5
  - type: Hostname
    address: worker-1
  capacity:
    cpu: \"4\"
    memory: 8192Mi
  nodeInfo:
    kubeletVersion: v1.33.0
    osImage: Debian12
    kernelVersion: 6.1.0
    containerRuntimeVersion: containerd://1.7.0
    architecture: amd64
    operatingSystem: linux
    bootID: b
    machineID: m
    systemUUID: s
    kubeProxyVersion: v1.33.0
";

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  clusterIP: 10.96.0.50
  selector:
    app: web
  ports:
  - port: 80
    nodePort: 30080
";

const ENDPOINTS: &str = "apiVersion: v1
kind: Endpoints
metadata:
  name: web
  namespace: shop
subsets:
- addresses:
  - ip: 10.1.0.1
  - ip: 10.1.0.2
  - ip: 10.1.0.3
  - ip: 10.1.0.4
  ports:
  - port: 8080
";

fn event(name: &str, pod: &str) -> String {
    format!(
        "apiVersion: v1
kind: Event
metadata:
  name: {name}
  namespace: shop
involvedObject:
  apiVersion: v1
  kind: Pod
  name: {pod}
  namespace: shop
reason: Pulled
message: Pulled
type: Normal
count: 1
firstTimestamp: \"2024-01-01T00:00:00Z\"
lastTimestamp: \"2024-01-01T00:00:00Z\"
source:
  component: kubelet
"
    )
}

const CLAIM: &str = "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: shop
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  resources:
    requests:
      storage: 1024Mi
";

const RBAC: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: shop
rules:
- apiGroups: [\"\"]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
- kind: User
  name: jane
- kind: ServiceAccount
  name: ci
  namespace: shop
";

const CLASSES: &str = "apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: csi.example.com
parameters:
  type: ssd
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
value: 1000
";

const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
";

/// Starts a control plane holding one of each resource above.
fn populated() -> anyhow::Result<ControlPlane> {
    let plane = ControlPlane::start()?;
    create(&plane, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")?;
    for manifest in [NODE, SERVICE, ENDPOINTS, CLAIM, RBAC, CLASSES, INGRESS] {
        create(&plane, manifest)?;
    }
    create(&plane, &event("web-1.pulled", "web-1"))?;
    create(&plane, &event("web-2.pulled", "web-2"))?;
    Ok(plane)
}

fn header(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn tables_match_upstreams_columns_and_cells() -> anyhow::Result<()> {
    let plane = populated()?;
    let nodes = rows(&plane, &["get", "nodes"])?;
    ensure!(nodes[0] == header("NAME STATUS ROLES AGE VERSION"), "{nodes:?}");
    ensure!(nodes[1][..3] == ["worker-1", "Ready", "control-plane"] && nodes[1][4] == "v1.33.0", "{nodes:?}");
    let wide = rows(&plane, &["get", "nodes", "-o", "wide"])?;
    ensure!(wide[0] == header("NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME"), "{wide:?}");
    ensure!(wide[1][5..] == ["10.0.0.5", "<none>", "Debian12", "6.1.0", "containerd://1.7.0"], "{wide:?}");
    let allocatable = rows(&plane, &["get", "node", "worker-1", "-o", "jsonpath={.status.allocatable.memory}"])?;
    ensure!(allocatable == [["8Gi"]], "allocatable defaults to capacity, canonical: {allocatable:?}");

    let services = rows(&plane, &["-n", "shop", "get", "services", "-o", "wide"])?;
    ensure!(services[0] == header("NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR"), "{services:?}");
    ensure!(services[1][..5] == ["web", "NodePort", "10.96.0.50", "<none>", "80:30080/TCP"] && services[1][6] == "app=web", "{services:?}");
    let defaults = rows(&plane, &["-n", "shop", "get", "svc", "web", "-o", "jsonpath={.spec.sessionAffinity} {.spec.ports[0].protocol} {.spec.ports[0].targetPort} {.spec.ipFamilyPolicy} {.spec.ipFamilies[0]} {.spec.externalTrafficPolicy} {.spec.internalTrafficPolicy}"])?;
    ensure!(defaults == [["None", "TCP", "80", "SingleStack", "IPv4", "Cluster", "Cluster"]], "{defaults:?}");

    let endpoints = rows(&plane, &["-n", "shop", "get", "endpoints"])?;
    ensure!(endpoints[0] == header("NAME ENDPOINTS AGE"), "{endpoints:?}");
    ensure!(endpoints[1][..5] == ["web", "10.1.0.1:8080,10.1.0.2:8080,10.1.0.3:8080", "+", "1", "more..."], "{endpoints:?}");

    let claims = rows(&plane, &["-n", "shop", "get", "pvc"])?;
    ensure!(claims[0] == header("NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE"), "{claims:?}");
    ensure!(claims[1][..4] == ["data", "Pending", "fast", "<unset>"], "{claims:?}");
    let claim = rows(&plane, &["-n", "shop", "get", "pvc", "data", "-o", "jsonpath={.spec.volumeMode} {.spec.resources.requests.storage}"])?;
    ensure!(claim == [["Filesystem", "1Gi"]], "{claim:?}");

    let roles = rows(&plane, &["-n", "shop", "get", "roles"])?;
    ensure!(roles[0] == header("NAME CREATED AT") && roles[1][0] == "reader" && roles[1][1].ends_with('Z'), "{roles:?}");
    let bindings = rows(&plane, &["-n", "shop", "get", "rolebindings", "-o", "wide"])?;
    ensure!(bindings[0] == header("NAME ROLE AGE USERS GROUPS SERVICEACCOUNTS"), "{bindings:?}");
    ensure!(bindings[1][..2] == ["read", "Role/reader"] && bindings[1][3..] == ["jane", "shop/ci"], "{bindings:?}");

    let classes = rows(&plane, &["get", "storageclasses"])?;
    ensure!(classes[0] == header("NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE"), "{classes:?}");
    ensure!(classes[1][..5] == ["fast", "csi.example.com", "Delete", "Immediate", "false"], "{classes:?}");
    let priorities = rows(&plane, &["get", "pc"])?;
    ensure!(priorities[0] == header("NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY"), "{priorities:?}");
    ensure!(priorities[1][..3] == ["high", "1000", "false"] && priorities[1][4] == "PreemptLowerPriority", "{priorities:?}");

    let ingresses = rows(&plane, &["-n", "shop", "get", "ing"])?;
    ensure!(ingresses[0] == header("NAME CLASS HOSTS ADDRESS PORTS AGE"), "{ingresses:?}");
    ensure!(ingresses[1][..4] == ["web", "nginx", "shop.example.com", "80"], "{ingresses:?}");
    let generation = rows(&plane, &["-n", "shop", "get", "ing", "web", "-o", "jsonpath={.metadata.generation}"])?;
    ensure!(generation == [["1"]], "{generation:?}");
    Ok(())
}

#[test]
fn events_are_selected_by_field_and_served_by_both_groups() -> anyhow::Result<()> {
    let plane = populated()?;
    let selected = rows(&plane, &["-n", "shop", "get", "events", "--field-selector", "involvedObject.name=web-1"])?;
    ensure!(selected[0] == header("LAST SEEN TYPE REASON OBJECT MESSAGE"), "{selected:?}");
    ensure!(selected.len() == 2 && selected[1][1..] == ["Normal", "Pulled", "pod/web-1", "Pulled"], "{selected:?}");
    let by_source = rows(&plane, &["-n", "shop", "get", "events", "--field-selector", "source=kubelet,reason=Pulled", "-o", "name"])?;
    ensure!(by_source.len() == 2, "{by_source:?}");
    let unknown = refused(&plane, &["-n", "shop", "get", "events", "--field-selector", "note=Pulled"])?;
    ensure!(unknown.contains("field label not supported: note"), "{unknown}");

    // One object, two views: created as core/v1, read as events.k8s.io/v1.
    let regarding = rows(&plane, &["-n", "shop", "get", "events.v1.events.k8s.io", "web-1.pulled", "-o", "jsonpath={.regarding.name} {.note} {.deprecatedSource.component}"])?;
    ensure!(regarding == [["web-1", "Pulled", "kubelet"]], "{regarding:?}");
    let strict = plane.kubectl_stdin(
        &["create", "--validate=false", "-f", "-"],
        "apiVersion: events.k8s.io/v1\nkind: Event\nmetadata:\n  name: bare\n  namespace: shop\nreason: Tested\nnote: hello\n",
    )?;
    ensure!(text(&strict.stderr).contains("eventTime: Required value"), "{}", text(&strict.stderr));

    let mismatch = plane.kubectl_stdin(&["create", "--validate=false", "-f", "-"], &event("stray", "web-3").replace("  namespace: shop\nreason", "  namespace: other\nreason"))?;
    ensure!(text(&mismatch.stderr).contains(r#"involvedObject.namespace: Invalid value: "other": does not match event.namespace"#), "{}", text(&mismatch.stderr));

    for kubectl in e2e::kubectl::all_versions() {
        let out = plane.kubectl_with(&kubectl, &["-n", "shop", "events"])?;
        let listing = text(&out.stdout);
        ensure!(out.status.success() && listing.starts_with("LAST SEEN") && listing.contains("Pod/web-2"), "{}: {listing}{}", kubectl.display(), text(&out.stderr));
    }
    Ok(())
}

#[test]
fn immutable_fields_are_refused_with_upstreams_messages() -> anyhow::Result<()> {
    let plane = populated()?;
    let patch = |args: &[&str], body: &str| {
        let mut all = args.to_vec();
        all.extend(["--type=merge", "-p", body]);
        refused(&plane, &all)
    };
    let cluster_ip = patch(&["-n", "shop", "patch", "svc", "web"], r#"{"spec":{"clusterIP":"10.96.0.51"}}"#)?;
    ensure!(cluster_ip.contains(r#"The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.51"]: may not change once set"#), "{cluster_ip}");
    let role_ref = patch(&["-n", "shop", "patch", "rolebinding", "read"], r#"{"roleRef":{"name":"writer"}}"#)?;
    ensure!(role_ref.contains("roleRef: Invalid value: ") && role_ref.contains("cannot change roleRef"), "{role_ref}");
    let provisioner = patch(&["patch", "storageclass", "fast"], r#"{"provisioner":"other.example.com"}"#)?;
    ensure!(provisioner.contains("provisioner: Forbidden: updates to provisioner are forbidden."), "{provisioner}");
    let value = patch(&["patch", "priorityclass", "high"], r#"{"value":5}"#)?;
    ensure!(value.contains("value: Forbidden: may not be changed in an update."), "{value}");
    let claim = patch(&["-n", "shop", "patch", "pvc", "data"], r#"{"spec":{"accessModes":["ReadWriteMany"]}}"#)?;
    ensure!(claim.contains("spec: Forbidden: spec is immutable after creation except resources.requests"), "{claim}");
    let node = plane.kubectl(&["patch", "node", "worker-1", "--type=merge", "-p", r#"{"spec":{"unschedulable":true}}"#])?;
    ensure!(node.status.success(), "{}", text(&node.stderr));
    let cordoned = rows(&plane, &["get", "nodes", "--no-headers"])?;
    ensure!(cordoned[0][1] == "Ready,SchedulingDisabled", "{cordoned:?}");

    let portless = plane.kubectl_stdin(&["create", "--validate=false", "-f", "-"], "apiVersion: v1\nkind: Service\nmetadata:\n  name: bare\n  namespace: shop\nspec:\n  selector:\n    app: web\n")?;
    ensure!(text(&portless.stderr).contains(r#"The Service "bare" is invalid: spec.ports: Required value"#), "{}", text(&portless.stderr));
    let slice = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: web-1\n  namespace: shop\naddressType: IPv4\nendpoints:\n- addresses: [10.1.0.1]\n";
    create(&plane, slice)?;
    let address_type = patch(&["-n", "shop", "patch", "endpointslice", "web-1"], r#"{"addressType":"IPv6","endpoints":[]}"#)?;
    ensure!(address_type.contains(r#"addressType: Invalid value: "IPv6": field is immutable"#), "{address_type}");
    let slices = rows(&plane, &["-n", "shop", "get", "endpointslices"])?;
    ensure!(slices[0] == header("NAME ADDRESSTYPE PORTS ENDPOINTS AGE") && slices[1][..4] == ["web-1", "IPv4", "<unset>", "10.1.0.1"], "{slices:?}");
    Ok(())
}

#[test]
fn every_kubectl_lists_the_cluster_scoped_resources() -> anyhow::Result<()> {
    let plane = ControlPlane::start()?;
    let cluster_scoped = [
        "namespaces",
        "nodes",
        "persistentvolumes",
        "certificatesigningrequests",
        "ingressclasses",
        "clusterrolebindings",
        "clusterroles",
        "priorityclasses",
        "storageclasses",
    ];
    for kubectl in e2e::kubectl::all_versions() {
        let out = plane.kubectl_with(&kubectl, &["api-resources", "--namespaced=false", "--no-headers"])?;
        let listing = text(&out.stdout);
        let names: Vec<&str> = listing.lines().filter_map(|l| l.split_whitespace().next()).collect();
        for resource in cluster_scoped {
            ensure!(names.contains(&resource), "{}: {resource} missing from {listing}", kubectl.display());
        }
        ensure!(!names.contains(&"services") && !names.contains(&"events"), "{}: namespaced resources listed: {listing}", kubectl.display());
        ensure!(listing.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["nodes", "no", "v1", "false", "Node"]), "{listing}");
    }
    Ok(())
}

#[test]
fn kubectl_describes_a_node() -> anyhow::Result<()> {
    let plane = populated()?;
    let out = plane.kubectl(&["describe", "node", "worker-1"])?;
    let resources = text(&plane.kubectl(&["api-resources", "--no-headers"])?.stdout);
    let pods_served = resources.lines().any(|l| l.starts_with("pods "));
    if !pods_served {
        // `describe node` lists the node's pods; until pods are served that list is a 404,
        // and that must be the only thing that fails.
        ensure!(!out.status.success() && text(&out.stderr).contains("the server could not find the requested resource"), "{}", text(&out.stderr));
        return Ok(());
    }
    let description = text(&out.stdout);
    ensure!(out.status.success(), "{}", text(&out.stderr));
    ensure!(description.contains("Name:               worker-1") && description.contains("Roles:              control-plane"), "{description}");
    Ok(())
}

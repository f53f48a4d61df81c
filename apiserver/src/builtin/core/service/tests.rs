use serde_json::json;

use super::*;

fn created(service: Value) -> Value {
    let mut service = service;
    ServiceStrategy::default().prepare_for_create(&mut service);
    service
}

fn messages(errors: &field::ErrorList) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

fn web() -> Value {
    json!({"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
}

#[test]
fn defaults_match_upstream() {
    let service = created(web());
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert_eq!(service["spec"]["sessionAffinity"], "None");
    assert_eq!(service["spec"]["ports"][0], json!({"port": 80, "protocol": "TCP", "targetPort": 80}));
    assert_eq!(service["spec"]["internalTrafficPolicy"], "Cluster");
    assert_eq!(service["spec"]["ipFamilyPolicy"], "SingleStack");
    assert_eq!(service["spec"]["ipFamilies"], json!(["IPv4"]));
    assert!(service["spec"].get("externalTrafficPolicy").is_none());
    let node_port = created(json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "targetPort": "http"}]}}));
    assert_eq!(node_port["spec"]["externalTrafficPolicy"], "Cluster");
    assert_eq!(node_port["spec"]["ports"][0]["targetPort"], "http");
    let balancer = created(json!({"spec": {"type": "LoadBalancer", "ports": [{"port": 443}], "sessionAffinity": "ClientIP"}}));
    assert_eq!(balancer["spec"]["allocateLoadBalancerNodePorts"], true);
    assert_eq!(balancer["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"], 10800);
    assert!(ServiceStrategy::default().validate(&created(web())).is_empty(), "{:?}", ServiceStrategy::default().validate(&created(web())));
}

#[test]
fn validation_messages_match_upstream() {
    let strategy = ServiceStrategy::default();
    let no_ports = created(json!({"spec": {"selector": {"app": "web"}}}));
    assert_eq!(messages(&strategy.validate(&no_ports)), ["spec.ports: Required value"]);
    let headless = created(json!({"spec": {"clusterIP": "None", "selector": {"app": "db"}}}));
    assert!(strategy.validate(&headless).is_empty(), "headless services need no ports: {:?}", strategy.validate(&headless));
    let external = created(json!({"spec": {"type": "ExternalName"}}));
    assert_eq!(messages(&strategy.validate(&external)), ["spec.externalName: Required value"]);
    let ports = created(json!({"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 0, "name": "http"}, {"port": 81}]}}));
    assert_eq!(
        messages(&strategy.validate(&ports)),
        [
            r#"spec.ports[1].name: Duplicate value: "http""#,
            "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[2].name: Required value",
        ]
    );
    let weird = created(json!({"spec": {"type": "Magic", "ports": [{"port": 80}]}}));
    assert_eq!(
        messages(&strategy.validate(&weird)),
        [r#"spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort""#]
    );
    let node_port_on_cluster_ip = created(json!({"spec": {"ports": [{"port": 80, "nodePort": 30000}]}}));
    assert_eq!(messages(&strategy.validate(&node_port_on_cluster_ip)), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
}

#[test]
fn the_cluster_ip_cannot_change() {
    let strategy = ServiceStrategy::default();
    let mut old = web();
    old["spec"]["clusterIP"] = json!("10.96.0.10");
    let old = created(old);
    let mut changed = old.clone();
    changed["spec"]["clusterIP"] = json!("10.96.0.11");
    strategy.prepare_for_update(&mut changed, &old);
    assert_eq!(messages(&strategy.validate_update(&changed, &old)), [r#"spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set"#]);
    let mut replaced = web();
    strategy.prepare_for_update(&mut replaced, &old);
    assert_eq!(replaced["spec"]["clusterIPs"], json!(["10.96.0.10"]), "an update without the IP keeps it");
    assert!(strategy.validate_update(&replaced, &old).is_empty());
}

#[test]
fn table_cells_follow_upstreams_printer() {
    let strategy = ServiceStrategy::default();
    let mut service = created(json!({"spec": {"type": "NodePort", "clusterIP": "10.96.0.20", "selector": {"app": "web"},
        "ports": [{"port": 80, "nodePort": 30080}, {"port": 53, "protocol": "UDP", "name": "dns"}]}}));
    service["metadata"] = json!({"name": "web", "creationTimestamp": "2020-01-01T00:00:00Z"});
    let cells = strategy.table_cells(&service);
    assert_eq!(cells[1..5], [json!("NodePort"), json!("10.96.0.20"), json!("<none>"), json!("80:30080/TCP,53/UDP")]);
    assert_eq!(cells[6], "app=web");
    let balancer = json!({"spec": {"type": "LoadBalancer", "externalIPs": ["1.2.3.4"]}, "status": {"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}]}}});
    assert_eq!(strategy.table_cells(&balancer)[2..5], [json!("<none>"), json!("lb.example.com,1.2.3.4"), json!("<none>")]);
    assert_eq!(external_ip(&json!({"spec": {"type": "LoadBalancer"}})), "<pending>");
    assert_eq!(external_ip(&json!({"spec": {"type": "ExternalName", "externalName": "db.example.com"}})), "db.example.com");
}

#[test]
fn status_needs_a_load_balancer() {
    let strategy = ServiceStrategy::default();
    let status = json!({"spec": {"type": "ClusterIP"}, "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}});
    assert_eq!(messages(&strategy.validate_status_update(&status, &status)), ["status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"]);
}

//! IngressClasses (networking.k8s.io/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Value, json};

use super::ingress::validate_resource_reference;
use crate::builtin::object::{self, invalid_each, text};

/// Upstream's longest controller name.
const MAX_CONTROLLER: usize = 250;

/// IngressClasses: a domain-prefixed controller, fixed once set; parameters scoped
/// `Cluster` by default; generation counted.
pub struct IngressClassStrategy;

impl Strategy for IngressClassStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::networking::v1::IngressClass>(object)
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn prepare_for_create(&self, object: &mut Value) {
        default_scope(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        default_scope(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let path = Path::new("spec").child("controller");
        let controller = text(object, "/spec/controller");
        let mut errors = Vec::new();
        if controller.len() > MAX_CONTROLLER {
            errors.push(field::Error::too_long(&path, MAX_CONTROLLER));
        }
        errors.extend(invalid_each(&path, controller, validation::domain_prefixed_path(controller)));
        if let Some(parameters) = object.pointer("/spec/parameters").filter(|p| p.is_object()) {
            errors.extend(validate_parameters(parameters, &Path::new("spec").child("parameters")));
        }
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = object::immutable(object, old, "/spec/controller", "spec.controller");
        errors.extend(self.validate(object));
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Controller", "string", "Controller that is responsible for handling this class"),
            Column::new("Parameters", "string", "A reference to a resource with additional parameters"),
            table::AGE,
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let parameters = match object.pointer("/spec/parameters").filter(|p| p.is_object()) {
            None => "<none>".to_owned(),
            Some(p) => match p.get("apiGroup").and_then(Value::as_str) {
                Some(group) => format!("{}.{group}/{}", text(p, "/kind"), text(p, "/name")),
                None => format!("{}/{}", text(p, "/kind"), text(p, "/name")),
            },
        };
        vec![table::name_cell(object), json!(text(object, "/spec/controller")), json!(parameters), table::age_cell(object)]
    }
}

/// Upstream's `SetDefaults_IngressClass`.
fn default_scope(class: &mut Value) {
    if object::is_set(class, "/spec/parameters") {
        object::default_to(class, "/spec/parameters/scope", json!("Cluster"));
    }
}

/// Upstream's `validateIngressClassParametersReference`.
fn validate_parameters(parameters: &Value, path: &Path) -> field::ErrorList {
    let mut errors = validate_resource_reference(parameters, path);
    let namespace = parameters.get("namespace").and_then(Value::as_str);
    match text(parameters, "/scope") {
        "" => errors.push(field::Error::required(&path.child("scope"), "")),
        "Namespace" => match namespace {
            None => errors.push(field::Error::required(&path.child("namespace"), "`parameters.scope` is set to 'Namespace'")),
            Some(ns) => errors.extend(invalid_each(&path.child("namespace"), ns, validation::dns1123_label(ns))),
        },
        "Cluster" if namespace.is_some() => errors.push(field::Error::forbidden(&path.child("namespace"), "`parameters.scope` is set to 'Cluster'")),
        "Cluster" => {}
        other => errors.push(field::Error::not_supported(&path.child("scope"), other, &["Cluster", "Namespace"])),
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validation_and_table() {
        let mut class = json!({"metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}});
        IngressClassStrategy.prepare_for_create(&mut class);
        assert_eq!(class["spec"]["parameters"]["scope"], "Cluster");
        assert!(IngressClassStrategy.validate(&class).is_empty());
        assert_eq!(IngressClassStrategy.table_cells(&class)[1..3], [json!("k8s.io/ingress-nginx"), json!("IngressParameters.k8s.example.com/external-lb")]);
        let mut moved = class.clone();
        moved["spec"]["controller"] = json!("example.com/other");
        let errors: Vec<String> = IngressClassStrategy.validate_update(&moved, &class).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"spec.controller: Invalid value: "example.com/other": field is immutable"#]);
        let errors: Vec<String> = IngressClassStrategy.validate(&json!({"spec": {"controller": "nginx"}})).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")"#]);
    }
}

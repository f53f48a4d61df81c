//! Field selectors (`fieldSelector=metadata.name=web,metadata.namespace!=kube-system`) over
//! the fields every object has plus those its resource's strategy adds (`spec.nodeName`).

use serde_json::Value;

use crate::status::StatusError;

/// One `field=value` or `field!=value` requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    field: String,
    /// Where the field's value is read: the first of these paths holding a non-empty value.
    paths: Vec<String>,
    value: String,
    equal: bool,
}

/// Where a selectable field is read. A resource's extra field is either a path
/// (`spec.nodeName`) or a name with fallback paths, `name=first.path|second.path`, for a
/// value upstream computes (events' `source`: `source.component`, else `reportingComponent`).
fn paths_of(field: &str, extra: &[&str]) -> Option<Vec<String>> {
    if FIELDS.contains(&field) {
        return Some(vec![field.to_owned()]);
    }
    extra.iter().find_map(|declared| match declared.split_once('=') {
        Some((name, paths)) if name == field => Some(paths.split('|').map(str::to_owned).collect()),
        None if *declared == field => Some(vec![field.to_owned()]),
        _ => None,
    })
}

/// A parsed field selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    requirements: Vec<Requirement>,
}

/// The fields every resource supports.
const FIELDS: [&str; 2] = ["metadata.name", "metadata.namespace"];

impl FieldSelector {
    /// Parses a selector over `metadata.name`, `metadata.namespace` and `extra` fields,
    /// rejecting others with upstream's message.
    pub fn parse(text: &str, extra: &[&str]) -> Result<Self, StatusError> {
        let mut requirements = Vec::new();
        for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (field, value, equal) = if let Some((f, v)) = term.split_once("!=") {
                (f, v, false)
            } else if let Some((f, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                (f, v, true)
            } else {
                return Err(StatusError::bad_request(format!("invalid selector: '{text}'; can't understand '{term}'")));
            };
            let paths = paths_of(field, extra).ok_or_else(|| StatusError::bad_request(format!("field label not supported: {field}")))?;
            requirements.push(Requirement { field: field.to_owned(), paths, value: value.to_owned(), equal });
        }
        Ok(Self { requirements })
    }

    /// Whether `object` meets every requirement.
    pub fn matches(&self, object: &Value) -> bool {
        self.requirements.iter().all(|r| {
            let actual = r.paths.iter().map(|path| text_at(object, path)).find(|text| !text.is_empty()).unwrap_or_default();
            (actual == r.value) == r.equal
        })
    }

    /// Adds a `metadata.name=<name>` requirement (a watch of one object by URL).
    pub fn and_name(mut self, name: &str) -> Self {
        let field = "metadata.name".to_owned();
        self.requirements.push(Requirement { paths: vec![field.clone()], field, value: name.to_owned(), equal: true });
        self
    }

    /// Whether the selector is empty.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }
}

/// The value at a dotted path as text (`true`, `3`), empty when absent.
fn text_at(object: &Value, path: &str) -> String {
    match object.pointer(&format!("/{}", path.replace('.', "/"))) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(flag)) => flag.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_by_name_and_namespace() -> Result<(), StatusError> {
        let web = json!({"metadata": {"name": "web", "namespace": "prod"}});
        assert!(FieldSelector::parse("metadata.name=web", &[])?.matches(&web));
        assert!(FieldSelector::parse("metadata.name==web,metadata.namespace!=dev", &[])?.matches(&web));
        assert!(!FieldSelector::parse("metadata.namespace!=prod", &[])?.matches(&web));
        assert!(FieldSelector::parse("", &[])?.is_empty());
        let err = FieldSelector::parse("spec.nodeName=n1", &[]).err().map(|e| e.message);
        assert_eq!(err.as_deref(), Some("field label not supported: spec.nodeName"));
        Ok(())
    }

    #[test]
    fn resource_fields_compare_as_text_and_absent_is_empty() -> Result<(), StatusError> {
        let extra = ["spec.nodeName", "spec.hostNetwork"];
        let pod = json!({"metadata": {"name": "p"}, "spec": {"hostNetwork": true}});
        assert!(FieldSelector::parse("spec.nodeName=", &extra)?.matches(&pod), "unscheduled: no nodeName");
        assert!(!FieldSelector::parse("spec.nodeName!=", &extra)?.matches(&pod));
        assert!(FieldSelector::parse("spec.hostNetwork=true", &extra)?.matches(&pod));
        Ok(())
    }

    #[test]
    fn computed_fields_read_the_first_path_with_a_value() -> Result<(), StatusError> {
        let extra = ["reason", "source=source.component|reportingComponent"];
        let legacy = json!({"source": {"component": "kubelet"}, "reportingComponent": ""});
        let modern = json!({"source": {}, "reportingComponent": "default-scheduler"});
        assert!(FieldSelector::parse("source=kubelet", &extra)?.matches(&legacy));
        assert!(FieldSelector::parse("source=default-scheduler", &extra)?.matches(&modern));
        assert!(!FieldSelector::parse("source=kubelet", &extra)?.matches(&modern));
        assert!(FieldSelector::parse("source.component=kubelet", &extra).is_err(), "only the declared name is selectable");
        Ok(())
    }
}

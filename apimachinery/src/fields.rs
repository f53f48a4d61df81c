//! Field selectors (`fieldSelector=metadata.name=web,metadata.namespace!=kube-system`) over
//! the fields every object has plus those its resource's strategy adds (`spec.nodeName`).

use serde_json::Value;

use crate::status::StatusError;

/// One `field=value` or `field!=value` requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    field: String,
    value: String,
    equal: bool,
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
            if !FIELDS.contains(&field) && !extra.contains(&field) {
                return Err(StatusError::bad_request(format!("field label not supported: {field}")));
            }
            requirements.push(Requirement { field: field.to_owned(), value: value.to_owned(), equal });
        }
        Ok(Self { requirements })
    }

    /// Whether `object` meets every requirement.
    pub fn matches(&self, object: &Value) -> bool {
        self.requirements.iter().all(|r| {
            let pointer = format!("/{}", r.field.replace('.', "/"));
            let actual = match object.pointer(&pointer) {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Bool(flag)) => flag.to_string(),
                Some(Value::Number(number)) => number.to_string(),
                _ => String::new(),
            };
            (actual == r.value) == r.equal
        })
    }

    /// Adds a `metadata.name=<name>` requirement (a watch of one object by URL).
    pub fn and_name(mut self, name: &str) -> Self {
        self.requirements.push(Requirement { field: "metadata.name".into(), value: name.to_owned(), equal: true });
        self
    }

    /// Whether the selector is empty.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
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
}

//! Field-level validation errors, as upstream's `field.ErrorList`: a path such as
//! `spec.containers[0].image`, a machine-readable type (`FieldValueRequired`, ...) and the
//! human message clients print.

use std::fmt;

use serde_json::Value;

/// A path to a field: `metadata.name`, `spec.containers[0].image`, `metadata.labels[app]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(String);

impl Path {
    /// A path starting at a top-level field.
    pub fn new(field: &str) -> Self {
        Self(field.to_owned())
    }

    /// The path of a child field.
    pub fn child(&self, field: &str) -> Self {
        if self.0.is_empty() { Self::new(field) } else { Self(format!("{}.{field}", self.0)) }
    }

    /// The path of a list element.
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}[{index}]", self.0))
    }

    /// The path of a map entry.
    pub fn key(&self, key: &str) -> Self {
        Self(format!("{}[{key}]", self.0))
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a field is invalid; the wire names are `StatusCause.reason` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// A referenced value does not exist.
    NotFound,
    /// A required value is missing.
    Required,
    /// A value that must be unique is repeated.
    Duplicate,
    /// A value is malformed.
    Invalid,
    /// A value is not one of an enumeration.
    NotSupported,
    /// A well-formed value is not allowed here.
    Forbidden,
    /// A value is too long.
    TooLong,
    /// A list has too many items.
    TooMany,
    /// The server failed while validating.
    Internal,
    /// A value has the wrong JSON type.
    TypeInvalid,
}

impl ErrorType {
    /// The `reason` of the `StatusCause`.
    pub fn reason(self) -> &'static str {
        match self {
            ErrorType::NotFound => "FieldValueNotFound",
            ErrorType::Required => "FieldValueRequired",
            ErrorType::Duplicate => "FieldValueDuplicate",
            ErrorType::Invalid => "FieldValueInvalid",
            ErrorType::NotSupported => "FieldValueNotSupported",
            ErrorType::Forbidden => "FieldValueForbidden",
            ErrorType::TooLong => "FieldValueTooLong",
            ErrorType::TooMany => "FieldValueTooMany",
            ErrorType::Internal => "InternalError",
            ErrorType::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    /// The words that open the message.
    pub fn label(self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid | ErrorType::TypeInvalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
        }
    }

    /// Whether the message leaves out the offending value.
    fn omits_value(self) -> bool {
        matches!(self, ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong | ErrorType::Internal)
    }
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// Why it is invalid.
    pub error_type: ErrorType,
    /// Which field.
    pub field: Path,
    /// The offending value, if it is shown.
    pub value: Option<Value>,
    /// Further explanation.
    pub detail: String,
}

impl Error {
    fn new(error_type: ErrorType, field: &Path, value: Option<Value>, detail: impl Into<String>) -> Self {
        Self { error_type, field: field.clone(), value, detail: detail.into() }
    }

    /// A missing required value.
    pub fn required(field: &Path, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Required, field, None, detail)
    }

    /// A malformed value.
    pub fn invalid(field: &Path, value: impl Into<Value>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Invalid, field, Some(value.into()), detail)
    }

    /// A value outside an enumeration; the detail lists the supported values.
    pub fn not_supported(field: &Path, value: impl Into<Value>, supported: &[&str]) -> Self {
        let quoted: Vec<String> = supported.iter().map(|v| format!("{v:?}")).collect();
        let detail = if quoted.is_empty() { String::new() } else { format!("supported values: {}", quoted.join(", ")) };
        Self::new(ErrorType::NotSupported, field, Some(value.into()), detail)
    }

    /// A repeated value that must be unique.
    pub fn duplicate(field: &Path, value: impl Into<Value>) -> Self {
        Self::new(ErrorType::Duplicate, field, Some(value.into()), "")
    }

    /// A value not permitted here.
    pub fn forbidden(field: &Path, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Forbidden, field, None, detail)
    }

    /// A value longer than `max` bytes.
    pub fn too_long(field: &Path, max: usize) -> Self {
        Self::new(ErrorType::TooLong, field, None, format!("must have at most {max} bytes"))
    }

    /// A list with more than `max` items.
    pub fn too_many(field: &Path, actual: usize, max: usize) -> Self {
        Self::new(ErrorType::TooMany, field, Some(actual.into()), format!("must have at most {max} items"))
    }

    /// The message without the field path, as it appears in `StatusCause.message`.
    pub fn body(&self) -> String {
        let mut body = self.error_type.label().to_owned();
        if !self.error_type.omits_value() {
            match &self.value {
                Some(Value::String(s)) => body.push_str(&format!(": {s:?}")),
                Some(Value::Null) | None => body.push_str(": null"),
                Some(other) => body.push_str(&format!(": {other}")),
            }
        }
        if !self.detail.is_empty() {
            body.push_str(": ");
            body.push_str(&self.detail);
        }
        body
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

impl std::error::Error for Error {}

/// The errors found in one object; empty means valid.
pub type ErrorList = Vec<Error>;

/// Formats a list the way upstream's aggregate does: one error alone, several as `[a, b]`,
/// repeated messages once.
pub fn aggregate_message(errors: &[Error]) -> String {
    let mut messages: Vec<String> = Vec::new();
    for message in errors.iter().map(ToString::to_string) {
        if !messages.contains(&message) {
            messages.push(message);
        }
    }
    match messages.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_upstream() {
        let spec = Path::new("spec");
        assert_eq!(spec.child("containers").index(0).child("image").to_string(), "spec.containers[0].image");
        assert_eq!(Path::new("metadata").child("labels").key("app").to_string(), "metadata.labels[app]");
    }

    #[test]
    fn messages_match_upstream() {
        let name = Path::new("metadata").child("name");
        let cases = [
            (Error::required(&name, "name or generateName is required"), "metadata.name: Required value: name or generateName is required"),
            (Error::invalid(&name, "Bad_Name", "a lowercase RFC 1123 subdomain"), "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"),
            (Error::not_supported(&Path::new("spec").child("restartPolicy"), "Sometimes", &["Always", "Never"]), "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\""),
            (Error::invalid(&Path::new("spec").child("replicas"), -1, "must be greater than or equal to 0"), "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
            (Error::duplicate(&Path::new("spec").child("ports").index(1), 80), "spec.ports[1]: Duplicate value: 80"),
            (Error::forbidden(&Path::new("spec"), "may not be changed"), "spec: Forbidden: may not be changed"),
        ];
        for (error, want) in cases {
            assert_eq!(error.to_string(), want);
        }
    }

    #[test]
    fn aggregate_brackets_several_and_dedups() {
        let a = Error::required(&Path::new("a"), "");
        let b = Error::required(&Path::new("b"), "");
        assert_eq!(aggregate_message(std::slice::from_ref(&a)), "a: Required value");
        assert_eq!(aggregate_message(&[a.clone(), b, a]), "[a: Required value, b: Required value]");
    }
}

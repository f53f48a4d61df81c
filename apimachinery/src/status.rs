//! API errors as upstream's `Status` objects: the HTTP code, the machine-readable `reason`
//! clients branch on, `details` (name, group, kind, causes) and the message users read.

use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ListMeta, Status, StatusCause, StatusDetails};

use crate::field;

/// The resource an error is about, as upstream's `schema.GroupResource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupResource<'a> {
    /// API group; empty for the core group.
    pub group: &'a str,
    /// Plural resource name (`pods`, `deployments`).
    pub resource: &'a str,
}

impl fmt::Display for GroupResource<'_> {
    /// `pods` for the core group, `deployments.apps` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() { f.write_str(self.resource) } else { write!(f, "{}.{}", self.resource, self.group) }
    }
}

/// An error the API answers with: convertible to a `Status` body and an HTTP code.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusError {
    /// HTTP status code.
    pub code: u16,
    /// `Status.reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, ...).
    pub reason: &'static str,
    /// `Status.message`.
    pub message: String,
    /// `Status.details`, when the error is about one object (boxed to keep errors small).
    pub details: Option<Box<StatusDetails>>,
}

impl StatusError {
    fn new(code: u16, reason: &'static str, message: String) -> Self {
        Self { code, reason, message, details: None }
    }

    fn about(mut self, resource: GroupResource<'_>, name: &str) -> Self {
        self.details = Some(Box::new(StatusDetails {
            name: Some(name.to_owned()),
            group: Some(resource.group.to_owned()),
            kind: Some(resource.resource.to_owned()),
            ..StatusDetails::default()
        }));
        self
    }

    /// 404: `pods "x" not found`.
    pub fn not_found(resource: GroupResource<'_>, name: &str) -> Self {
        Self::new(404, "NotFound", format!("{resource} {name:?} not found")).about(resource, name)
    }

    /// 409: `pods "x" already exists`.
    pub fn already_exists(resource: GroupResource<'_>, name: &str) -> Self {
        Self::new(409, "AlreadyExists", format!("{resource} {name:?} already exists")).about(resource, name)
    }

    /// 409: the object changed since the client read it.
    pub fn conflict(resource: GroupResource<'_>, name: &str, why: &str) -> Self {
        Self::new(409, "Conflict", format!("Operation cannot be fulfilled on {resource} {name:?}: {why}")).about(resource, name)
    }

    /// The standard reason for a lost optimistic-concurrency race.
    pub const MODIFIED: &'static str = "the object has been modified; please apply your changes to the latest version and try again";

    /// 422: `Pod "x" is invalid: <errors>`, one cause per field error.
    pub fn invalid(group: &str, kind: &str, name: &str, errors: &[field::Error]) -> Self {
        let causes = errors
            .iter()
            .map(|e| StatusCause {
                reason: Some(e.error_type.reason().to_owned()),
                message: Some(e.body()),
                field: Some(e.field.to_string()),
            })
            .collect();
        let mut error = Self::new(422, "Invalid", format!("{kind} {name:?} is invalid: {}", field::aggregate_message(errors)));
        error.details = Some(Box::new(StatusDetails {
            name: Some(name.to_owned()),
            group: Some(group.to_owned()),
            kind: Some(kind.to_owned()),
            causes: Some(causes),
            ..StatusDetails::default()
        }));
        error
    }

    /// 403 with upstream's authorization message, e.g. `secrets is forbidden: User "u" cannot
    /// list resource "secrets" in API group "" in the namespace "default"`.
    pub fn forbidden(user: &str, info: &crate::request_info::RequestInfo) -> Self {
        if !info.is_resource_request {
            return Self::new(403, "Forbidden", format!("forbidden: User {user:?} cannot {} path {:?}", info.verb, info.path));
        }
        let resource = if info.subresource.is_empty() { info.resource.clone() } else { format!("{}/{}", info.resource, info.subresource) };
        let scope = if info.namespace.is_empty() { "at the cluster scope".to_owned() } else { format!("in the namespace {:?}", info.namespace) };
        let qualified = GroupResource { group: &info.api_group, resource: &info.resource }.to_string();
        let subject = if info.name.is_empty() { qualified.clone() } else { format!("{qualified} {:?}", info.name) };
        let mut error = Self::new(
            403,
            "Forbidden",
            format!("{subject} is forbidden: User {user:?} cannot {} resource {resource:?} in API group {:?} {scope}", info.verb, info.api_group),
        );
        error.details = Some(Box::new(StatusDetails {
            name: Some(info.name.clone()),
            group: Some(info.api_group.clone()),
            kind: Some(info.resource.clone()),
            ..StatusDetails::default()
        }));
        error
    }

    /// 404 for a path that names nothing served.
    pub fn not_found_path() -> Self {
        Self::new(404, "NotFound", "the server could not find the requested resource".into())
    }

    /// 422 for a request that is well-formed but cannot be carried out (a failing JSON patch).
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message.into())
    }

    /// 400 with the given message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message.into())
    }

    /// 405: the verb does not exist on this resource.
    pub fn method_not_supported(resource: GroupResource<'_>, verb: &str) -> Self {
        Self::new(405, "MethodNotAllowed", format!("{verb} is not supported on resources of kind {:?}", resource.to_string()))
    }

    /// 406: none of the accepted media types can be produced.
    pub fn not_acceptable(message: impl Into<String>) -> Self {
        Self::new(406, "NotAcceptable", message.into())
    }

    /// 410 `Expired`: a resourceVersion or continue token older than what is kept.
    pub fn expired(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message.into())
    }

    /// 413: the request body is over the limit.
    pub fn too_large(message: &str) -> Self {
        Self::new(413, "RequestEntityTooLarge", format!("Request entity too large: {message}"))
    }

    /// 415: the request body's media type is not accepted.
    pub fn unsupported_media_type(media_type: &str) -> Self {
        Self::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml; got {media_type:?}"))
    }

    /// 429 with a `retryAfterSeconds` hint.
    pub fn too_many_requests(message: impl Into<String>, retry_after_seconds: i32) -> Self {
        let mut error = Self::new(429, "TooManyRequests", message.into());
        error.details = Some(Box::new(StatusDetails { retry_after_seconds: Some(retry_after_seconds), ..StatusDetails::default() }));
        error
    }

    /// 500 for failures that are not the client's doing.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut error = Self::new(500, "InternalError", format!("Internal error occurred: {cause}"));
        error.details = Some(Box::new(StatusDetails {
            causes: Some(vec![StatusCause { message: Some(cause.to_string()), ..StatusCause::default() }]),
            ..StatusDetails::default()
        }));
        error
    }

    /// 504 `Timeout` when a read asks for a revision the watch cache has not reached, with
    /// upstream's `ResourceVersionTooLarge` cause and a retry hint.
    pub fn too_large_resource_version(requested: u64, current: u64) -> Self {
        let mut error = Self::new(504, "Timeout", format!("Too large resource version: {requested}, current: {current}"));
        error.details = Some(Box::new(StatusDetails {
            causes: Some(vec![StatusCause {
                reason: Some("ResourceVersionTooLarge".to_owned()),
                message: Some("Too large resource version".to_owned()),
                ..StatusCause::default()
            }]),
            retry_after_seconds: Some(1),
            ..StatusDetails::default()
        }));
        error
    }

    /// 503 when a dependency such as etcd is unavailable.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "ServiceUnavailable", message.into())
    }

    /// The `Status` object sent to clients.
    pub fn to_status(&self) -> Status {
        Status {
            code: Some(i32::from(self.code)),
            details: self.details.as_deref().cloned(),
            message: Some(self.message.clone()),
            metadata: ListMeta::default(),
            reason: Some(self.reason.to_owned()),
            status: Some("Failure".to_owned()),
        }
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StatusError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const PODS: GroupResource<'static> = GroupResource { group: "", resource: "pods" };

    fn body(error: &StatusError) -> Value {
        serde_json::to_value(error.to_status()).unwrap_or_default()
    }

    #[test]
    fn not_found_is_upstreams_body() {
        let error = StatusError::not_found(PODS, "web");
        assert_eq!(
            body(&error),
            json!({
                "apiVersion": "v1", "kind": "Status", "metadata": {}, "status": "Failure",
                "message": "pods \"web\" not found", "reason": "NotFound",
                "details": {"name": "web", "group": "", "kind": "pods"}, "code": 404
            })
        );
    }

    #[test]
    fn conflict_and_group_qualified_names() {
        let deployments = GroupResource { group: "apps", resource: "deployments" };
        let error = StatusError::conflict(deployments, "web", StatusError::MODIFIED);
        assert_eq!(error.code, 409);
        assert_eq!(
            error.message,
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
        );
    }

    #[test]
    fn invalid_lists_one_cause_per_field() {
        let spec = field::Path::new("spec").child("containers").index(0);
        let errors = [field::Error::required(&spec.child("image"), ""), field::Error::required(&spec.child("name"), "")];
        let error = StatusError::invalid("", "Pod", "web", &errors);
        assert_eq!(error.message, "Pod \"web\" is invalid: [spec.containers[0].image: Required value, spec.containers[0].name: Required value]");
        let causes = &body(&error)["details"]["causes"];
        assert_eq!(causes[0], json!({"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers[0].image"}));
        assert_eq!(error.code, 422);
    }
}

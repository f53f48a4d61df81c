//! The interim authorizer, until RBAC lands: authenticated users may do anything (upstream's
//! `AlwaysAllow`), and the anonymous user only what upstream's default RBAC policy grants it
//! (`system:public-info-viewer`: health and version), so an apiserver reachable on the
//! network does not hand out Secrets to strangers.

use apimachinery::request_info::RequestInfo;
use apimachinery::status::StatusError;

use crate::authentication::User;

/// Paths anyone may read.
const PUBLIC_PATHS: [&str; 4] = ["/healthz", "/livez", "/readyz", "/version"];

/// Allows the request or says why not, in upstream's words.
pub fn authorize(user: &User, info: &RequestInfo) -> Result<(), StatusError> {
    if !user.groups.iter().any(|g| g == "system:unauthenticated") {
        return Ok(());
    }
    if !info.is_resource_request && info.verb == "get" && PUBLIC_PATHS.contains(&info.path.trim_end_matches('/')) {
        return Ok(());
    }
    Err(StatusError::forbidden(&user.name, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_gets_health_and_version_only() {
        let anonymous = User::anonymous();
        let allowed = |method: &str, path: &str| authorize(&anonymous, &RequestInfo::parse(method, path, None)).is_ok();
        assert!(allowed("GET", "/healthz") && allowed("GET", "/version"));
        assert!(!allowed("GET", "/api") && !allowed("GET", "/api/v1/secrets") && !allowed("POST", "/healthz"));
        // OpenAPI is for authenticated users, as upstream's system:discovery grants it.
        assert!(!allowed("GET", "/openapi/v2") && !allowed("GET", "/openapi/v3/api/v1"));
        let admin = User { name: "kubernetes-admin".into(), groups: vec!["system:masters".into(), "system:authenticated".into()] };
        assert!(authorize(&admin, &RequestInfo::parse("GET", "/api/v1/secrets", None)).is_ok());
        let message = authorize(&anonymous, &RequestInfo::parse("GET", "/api/v1/namespaces/default/secrets", None)).err().map(|e| e.message);
        assert_eq!(
            message.as_deref(),
            Some(r#"secrets is forbidden: User "system:anonymous" cannot list resource "secrets" in API group "" in the namespace "default""#)
        );
    }
}

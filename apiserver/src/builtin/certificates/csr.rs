//! CertificateSigningRequests (certificates.k8s.io/v1).
//!
//! Upstream fills `spec.username`, `uid`, `groups` and `extra` from the requesting user;
//! strategies here see no request context yet, so those fields are cleared on create
//! rather than taken from the client (the requester seam). The `approval` subresource is
//! declared, and served once the handler learns subresources other than `status`.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use x509_parser::prelude::FromDer;

use crate::builtin::object::{self, items, text};

/// Key usages upstream accepts, sorted as its errors list them.
const USAGES: [&str; 23] = [
    "any",
    "cert sign",
    "client auth",
    "code signing",
    "content commitment",
    "crl sign",
    "data encipherment",
    "decipher only",
    "digital signature",
    "email protection",
    "encipher only",
    "ipsec end system",
    "ipsec tunnel",
    "ipsec user",
    "key agreement",
    "key encipherment",
    "microsoft sgc",
    "netscape sgc",
    "ocsp signing",
    "s/mime",
    "server auth",
    "signing",
    "timestamping",
];
/// The signer name only older API versions accept.
const LEGACY_SIGNER: &str = "kubernetes.io/legacy-unknown";
/// The shortest certificate lifetime a request may ask for, ten minutes.
const MIN_EXPIRATION_SECONDS: i64 = 600;

/// CertificateSigningRequests: a parsable PKCS#10 request, a signer name, known usages;
/// the spec never changes after create.
pub struct CertificateSigningRequestStrategy;

impl Strategy for CertificateSigningRequestStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::certificates::v1::CertificateSigningRequest>(object)
    }

    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        validation::path_segment_name
    }

    fn prepare_for_create(&self, object: &mut Value) {
        for requester in ["/spec/username", "/spec/uid", "/spec/groups", "/spec/extra"] {
            object::remove(object, requester);
        }
    }

    fn prepare_for_update(&self, object: &mut Value, old: &Value) {
        object["spec"] = old.get("spec").cloned().unwrap_or(Value::Null);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let spec = Path::new("spec");
        let mut errors = Vec::new();
        if let Err(why) = parse_request(text(object, "/spec/request")) {
            errors.push(field::Error::invalid(&spec.child("request"), text(object, "/spec/request"), why));
        }
        let usages = object::texts(object, "/spec/usages");
        if usages.is_empty() {
            errors.push(field::Error::required(&spec.child("usages"), ""));
        }
        for (i, usage) in usages.iter().enumerate() {
            if !USAGES.contains(usage) {
                errors.push(field::Error::not_supported(&spec.child("usages").index(i), *usage, &USAGES));
            }
            if usages[..i].contains(usage) {
                errors.push(field::Error::duplicate(&spec.child("usages").index(i), *usage));
            }
        }
        let signer = text(object, "/spec/signerName");
        if signer == LEGACY_SIGNER {
            errors.push(field::Error::invalid(&spec.child("signerName"), signer, "the legacy signerName is not allowed via this API version"));
        } else {
            errors.extend(validate_signer_name(signer, &spec.child("signerName")));
        }
        if let Some(seconds) = object.pointer("/spec/expirationSeconds").and_then(Value::as_i64).filter(|s| *s < MIN_EXPIRATION_SECONDS) {
            errors.push(field::Error::invalid(&spec.child("expirationSeconds"), seconds, "may not specify a duration less than 600 seconds (10 minutes)"));
        }
        errors.extend(validate_conditions(object));
        errors
    }

    fn validate_status_update(&self, object: &Value, _old: &Value) -> field::ErrorList {
        validate_conditions(object)
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            table::AGE,
            Column::new("SignerName", "string", "signerName indicates the requested signer, and is a qualified name."),
            Column::new("Requestor", "string", "Name of the user that created the request."),
            Column::new("RequestedDuration", "string", "expirationSeconds is the requested duration of validity of the issued certificate."),
            Column::new("Condition", "string", "conditions applied to the request. Known conditions are \"Approved\", \"Denied\", and \"Failed\"."),
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let signer = match text(object, "/spec/signerName") {
            "" => "<none>",
            signer => signer,
        };
        let duration = object.pointer("/spec/expirationSeconds").and_then(Value::as_i64).map_or("<none>".to_owned(), table::human_duration);
        vec![table::name_cell(object), table::age_cell(object), json!(signer), json!(text(object, "/spec/username")), json!(duration), json!(condition(object))]
    }
}

/// The request, base64 in JSON, must hold a PEM `CERTIFICATE REQUEST` block that parses.
fn parse_request(request: &str) -> Result<(), String> {
    let pem = STANDARD.decode(request).map_err(|_| "PEM block type must be CERTIFICATE REQUEST".to_owned())?;
    let (_, block) = x509_parser::pem::parse_x509_pem(&pem).map_err(|_| "PEM block type must be CERTIFICATE REQUEST".to_owned())?;
    if block.label != "CERTIFICATE REQUEST" {
        return Err("PEM block type must be CERTIFICATE REQUEST".into());
    }
    x509_parser::certification_request::X509CertificationRequest::from_der(&block.contents)
        .map(drop)
        .map_err(|e| format!("x509: malformed certificate request: {e}"))
}

/// Upstream's `ValidateSignerName`: `<domain with a dot>/<subdomain path>`.
fn validate_signer_name(signer: &str, path: &Path) -> field::ErrorList {
    if signer.is_empty() {
        return vec![field::Error::required(path, "")];
    }
    let Some((domain, name)) = signer.split_once('/').filter(|(_, n)| !n.contains('/')) else {
        return vec![field::Error::invalid(path, signer, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
    };
    let mut errors = Vec::new();
    if let Some((label, message)) = domain.split('.').find_map(|l| validation::dns1123_label(l).into_iter().next().map(|m| (l, m))) {
        errors.push(field::Error::invalid(path, domain, format!("validating label {label:?}: {message}")));
    }
    if !domain.contains('.') {
        errors.push(field::Error::invalid(path, domain, "should be a domain with at least two segments separated by dots"));
    }
    if let Some((part, message)) = name.split('.').find_map(|p| validation::dns1123_subdomain(p).into_iter().next().map(|m| (p, m))) {
        errors.push(field::Error::invalid(path, name, format!("validating component {part:?}: {message}")));
    }
    errors
}

/// Conditions have a type; Approved and Denied exclude each other and are only `True`.
fn validate_conditions(object: &Value) -> field::ErrorList {
    let path = Path::new("status").child("conditions");
    let conditions = items(object, "/status/conditions");
    let mut errors = Vec::new();
    for (i, condition) in conditions.iter().enumerate() {
        let kind = text(condition, "/type");
        if kind.is_empty() {
            errors.push(field::Error::required(&path.index(i).child("type"), ""));
        }
        if matches!(kind, "Approved" | "Denied") && text(condition, "/status") != "True" {
            errors.push(field::Error::not_supported(&path.index(i).child("status"), text(condition, "/status"), &["True"]));
        }
        if matches!(kind, "Approved" | "Denied") && conditions[..i].iter().any(|c| text(c, "/type") == kind) {
            errors.push(field::Error::forbidden(&path.index(i).child("type"), format!("{kind} condition may only appear once in conditions")));
        }
    }
    let has = |kind: &str| conditions.iter().any(|c| text(c, "/type") == kind);
    if has("Approved") && has("Denied") {
        errors.push(field::Error::invalid(&path, json!(conditions), "Approved and Denied conditions are mutually exclusive"));
    }
    errors
}

/// `Denied`, `Approved` or `Pending`, then `,Failed` and `,Issued` as they apply.
fn condition(object: &Value) -> String {
    let has = |kind: &str| items(object, "/status/conditions").iter().any(|c| text(c, "/type") == kind);
    let mut status = if has("Denied") { "Denied" } else if has("Approved") { "Approved" } else { "Pending" }.to_owned();
    if has("Failed") {
        status.push_str(",Failed");
    }
    if !text(object, "/status/certificate").is_empty() {
        status.push_str(",Issued");
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway PKCS#10 request for `CN=test` (P-256).
    const REQUEST: &str = "-----BEGIN CERTIFICATE REQUEST-----
MIHIMHECAQAwDzENMAsGA1UEAwwEdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABD3Xh4VR/6LjOFbc306RuiJqfjdbkNaw1/wqsj6S4i/v0Q7jMzTt8Mqbqx+/
hjg/79rYQqNlTKgXNilld+CHeCygADAKBggqhkjOPQQDAgNHADBEAiBJL7AftCu2
dRsLwJe4Ns3D0CfQLmx99wlKjpim4MlbtAIgcgBDBrrnKSfrBkdgZrkh42Ugcnw6
LJmXKLEjBRDGzRo=
-----END CERTIFICATE REQUEST-----
";

    fn csr(request: &str, signer: &str) -> Value {
        json!({"metadata": {"name": "c"}, "spec": {"request": STANDARD.encode(request), "signerName": signer, "usages": ["client auth"], "expirationSeconds": 86400, "username": "mallory"}})
    }

    #[test]
    fn requests_signers_and_usages() {
        let mut good = csr(REQUEST, "kubernetes.io/kube-apiserver-client");
        CertificateSigningRequestStrategy.prepare_for_create(&mut good);
        assert!(good["spec"].get("username").is_none(), "the requester is not the client's to claim");
        assert!(CertificateSigningRequestStrategy.validate(&good).is_empty(), "{:?}", CertificateSigningRequestStrategy.validate(&good));
        let bad = csr("not a request", "signer");
        let errors: Vec<String> = CertificateSigningRequestStrategy.validate(&bad).iter().map(|e| format!("{}: {}", e.field, e.detail)).collect();
        assert_eq!(
            errors,
            ["spec.request: PEM block type must be CERTIFICATE REQUEST", "spec.signerName: must be a fully qualified domain and path of the form 'example.com/signer-name'"]
        );
    }

    #[test]
    fn table_cells_follow_upstreams_printer() {
        let mut request = csr(REQUEST, "example.com/signer");
        request["spec"]["username"] = json!("kubelet");
        request["status"] = json!({"conditions": [{"type": "Approved", "status": "True"}], "certificate": "abc"});
        let cells = CertificateSigningRequestStrategy.table_cells(&request);
        assert_eq!(cells[2..], [json!("example.com/signer"), json!("kubelet"), json!("24h"), json!("Approved,Issued")]);
    }
}

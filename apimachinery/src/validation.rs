//! Upstream's name and label checks, returning its messages (an empty list means valid).

pub mod net;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

fn is_label(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// Alphanumeric at both ends, and only alphanumerics, `-`, `_` and `.` inside.
fn is_qualified_part(text: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    alnum(text.chars().next())
        && alnum(text.chars().last())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn too_long(max: usize) -> String {
    format!("must be no more than {max} characters")
}

/// An RFC 1123 subdomain: most object names.
pub fn dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 253 {
        errors.push(too_long(253));
    }
    if !value.split('.').all(is_label) {
        errors.push(format!(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{DNS1123_LABEL_FMT}(\\.{DNS1123_LABEL_FMT})*')"
        ));
    }
    errors
}

/// An RFC 1123 label: names of namespaces and other objects used in DNS.
pub fn dns1123_label(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 63 {
        errors.push(too_long(63));
    }
    if !is_label(value) {
        errors.push(format!(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{DNS1123_LABEL_FMT}')"
        ));
    }
    errors
}

/// A label value: empty, or up to 63 characters of alphanumerics, `-`, `_`, `.`.
pub fn label_value(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 63 {
        errors.push(too_long(63));
    }
    if !value.is_empty() && !is_qualified_part(value) {
        errors.push(format!(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '{LABEL_VALUE_FMT}')"
        ));
    }
    errors
}

/// A qualified name such as a label or annotation key: an optional DNS-subdomain prefix and `/`,
/// then a name part of up to 63 characters.
pub fn qualified_name(value: &str) -> Vec<String> {
    let (prefix, name) = match value.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, value),
    };
    let mut errors = Vec::new();
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            errors.push("prefix part must be non-empty".to_owned());
        } else {
            errors.extend(dns1123_subdomain(prefix).into_iter().map(|e| format!("prefix part {e}")));
        }
    }
    if name.is_empty() {
        errors.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        errors.push(format!("name part {}", too_long(63)));
    }
    if !name.is_empty() && !is_qualified_part(name) {
        errors.push(format!(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{QUALIFIED_NAME_FMT}')"
        ));
    }
    errors
}

/// A DNS-1035 label: service names (a letter first).
pub fn dns1035_label(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 63 {
        errors.push(too_long(63));
    }
    if !is_label(value) || !value.starts_with(|c: char| c.is_ascii_lowercase()) {
        errors.push(format!(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{DNS1035_LABEL_FMT}')"
        ));
    }
    errors
}

/// A name that is safe as one path segment: RBAC objects and events (anything but `.`, `..`
/// and names holding `/` or `%`).
pub fn path_segment_name(value: &str) -> Vec<String> {
    if value == "." || value == ".." {
        return vec![format!("may not be '{value}'")];
    }
    ["/", "%"].iter().filter(|bad| value.contains(**bad)).map(|bad| format!("may not contain '{bad}'")).collect()
}

/// A wildcard subdomain such as `*.example.com` (ingress hosts).
pub fn wildcard_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 253 {
        errors.push(too_long(253));
    }
    if !value.strip_prefix("*.").is_some_and(|rest| rest.split('.').all(is_label)) {
        errors.push(format!(
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.{DNS1123_LABEL_FMT}(\\.{DNS1123_LABEL_FMT})*')"
        ));
    }
    errors
}

/// A domain-prefixed path such as `example.com/my-controller` (controller names).
pub fn domain_prefixed_path(value: &str) -> Vec<String> {
    match value.split_once('/') {
        Some((host, path)) if !host.is_empty() && !path.is_empty() => {
            dns1123_subdomain(host).into_iter().chain(path_characters(path)).collect()
        }
        _ => vec!["must be a domain-prefixed path (such as \"acme.io/foo\")".to_owned()],
    }
}

/// Upstream's check of the path part of a domain-prefixed path.
fn path_characters(path: &str) -> Option<String> {
    let valid = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:".contains(&b));
    (!valid).then(|| "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for good in ["web", "a.b-c", "0abc"] {
            assert!(dns1123_subdomain(good).is_empty(), "{good}");
        }
        for bad in ["Web", "-a", "a..b", "a_b", ""] {
            assert_eq!(dns1123_subdomain(bad).len(), 1, "{bad}");
        }
        assert!(dns1123_label("a.b").iter().any(|e| e.contains("RFC 1123 label")));
        assert!(dns1123_subdomain(&"a".repeat(254)).contains(&too_long(253)));
        assert!(dns1035_label("web-1").is_empty());
        assert!(dns1035_label("1web").iter().any(|e| e.starts_with("a DNS-1035 label")));
        assert!(path_segment_name("system:controller:x").is_empty());
        assert_eq!(path_segment_name("a/b%c"), ["may not contain '/'", "may not contain '%'"]);
        assert_eq!(path_segment_name(".."), ["may not be '..'"]);
        assert!(wildcard_dns1123_subdomain("*.example.com").is_empty());
        assert_eq!(wildcard_dns1123_subdomain("example.com").len(), 1);
        assert!(domain_prefixed_path("k8s.io/ingress-nginx").is_empty());
        assert_eq!(domain_prefixed_path("nginx"), ["must be a domain-prefixed path (such as \"acme.io/foo\")"]);
    }

    #[test]
    fn labels() {
        assert!(qualified_name("app.kubernetes.io/name").is_empty());
        assert!(qualified_name("app").is_empty());
        assert!(qualified_name("Bad Key").iter().any(|e| e.starts_with("name part must consist")));
        assert!(qualified_name("UPPER.io/x").iter().any(|e| e.starts_with("prefix part a lowercase")));
        assert!(label_value("").is_empty());
        assert!(label_value("v1.2_x").is_empty());
        assert_eq!(label_value("-x").len(), 1);
    }
}

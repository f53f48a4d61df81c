//! Warnings for the client (`Warning: 299 - "..."` response headers), collected while a
//! request is served, as upstream records them on the request context: any layer (decoding,
//! admission) adds one without the call chain carrying a collector.

use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    static WARNINGS: RefCell<Vec<String>>;
}

/// Runs `request` collecting the warnings added while it runs; returns its output and them,
/// without duplicates, in the order added.
pub async fn collect<F: Future>(request: F) -> (F::Output, Vec<String>) {
    WARNINGS
        .scope(RefCell::new(Vec::new()), async {
            let output = request.await;
            (output, WARNINGS.with(|w| w.take()))
        })
        .await
}

/// Adds a warning to the request being served; outside [`collect`] it is only logged.
pub fn add(text: impl Into<String>) {
    let text = text.into();
    let added = WARNINGS.try_with(|warnings| {
        let mut warnings = warnings.borrow_mut();
        if !warnings.contains(&text) {
            warnings.push(text.clone());
        }
    });
    if added.is_err() {
        tracing::debug!(warning = %text, "warning outside a request");
    }
}

/// The `Warning` header value for `text`: code 299, agent `-`, the text quoted with `"` and
/// `\` escaped, as RFC 7234 and upstream write it.
pub fn header_value(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("299 - \"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn warnings_are_scoped_to_the_request() {
        let ((), warnings) = collect(async {
            add("unknown field \"spec.x\"");
            add("unknown field \"spec.x\"");
            add("second");
        })
        .await;
        assert_eq!(warnings, ["unknown field \"spec.x\"", "second"]);
        let ((), none) = collect(async {}).await;
        assert!(none.is_empty());
        add("nobody listens");
        assert_eq!(header_value("unknown field \"a\""), r#"299 - "unknown field \"a\"""#);
    }
}

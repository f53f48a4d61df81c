//! certificates.k8s.io: certificate signing requests.

mod csr;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    let csrs = Resource::new("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false)
        .short_names(&["csr"])
        .subresources(&["approval", "status"]);
    vec![(csrs, Arc::new(csr::CertificateSigningRequestStrategy))]
}

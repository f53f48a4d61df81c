//! `kubeadm certs check-expiration`: when each managed certificate and CA expires.

use time::OffsetDateTime;

use crate::catalog::{self, CLUSTER_CA};
use crate::cert::Info;
use crate::certs::{self, cert_path};
use crate::kubeconfigs::{self, ENTRIES};
use crate::{Config, Result, files};

/// One row of the expiration tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The certificate's name (`apiserver`, `admin.conf`, `etcd-ca`, ...).
    pub name: String,
    /// When it expires; `None` if the file is missing.
    pub expires: Option<OffsetDateTime>,
    /// The signing CA's name (empty for CAs).
    pub ca: &'static str,
    /// Whether it is managed outside kubeadm: the signing CA's (or, for a CA, its own) key is absent.
    pub externally_managed: bool,
}

/// The leaf certificates and kubeconfig client certificates kubeadm renews, sorted by name.
pub fn certificates(config: &Config) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for leaf in &catalog::LEAVES {
        let path = cert_path(&config.cert_dir, leaf.base);
        let expires = files::read_optional(&path)?.map(|pem| Info::from_pem(&pem, &path)).transpose()?.map(|i| i.not_after);
        rows.push(Row { name: leaf.name.into(), expires, ca: leaf.ca.name, externally_managed: ca_is_external(config, leaf.ca.base) });
    }
    for entry in ENTRIES.iter().filter(|e| e.description.is_some()) {
        let expires = kubeconfigs::read(&entry.path(config))?.map(|(_, _, info)| info.not_after);
        rows.push(Row {
            name: entry.file.into(),
            expires,
            ca: CLUSTER_CA.name,
            externally_managed: ca_is_external(config, CLUSTER_CA.base),
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

/// The CAs, sorted by name as upstream prints them.
pub fn authorities(config: &Config) -> Result<Vec<Row>> {
    let mut rows = catalog::CAS
        .iter()
        .map(|ca| {
            let path = cert_path(&config.cert_dir, ca.base);
            let expires = files::read_optional(&path)?.map(|pem| Info::from_pem(&pem, &path)).transpose()?.map(|i| i.not_after);
            Ok(Row { name: ca.name.into(), expires, ca: "", externally_managed: ca_is_external(config, ca.base) })
        })
        .collect::<Result<Vec<_>>>()?;
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

fn ca_is_external(config: &Config, base: &str) -> bool {
    cert_path(&config.cert_dir, base).exists() && !certs::key_path(&config.cert_dir, base).exists()
}

/// Formats time left the way upstream's `ShortHumanDuration` does: `59s`, `59m`, `23h`, `364d`,
/// `9y`; `0s` just past zero and `<invalid>` once expired.
pub fn residual_time(until: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (until - now).whole_seconds();
    match seconds {
        s if s < -1 => "<invalid>".into(),
        s if s < 0 => "0s".into(),
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 24 * 3600 => format!("{}h", s / 3600),
        s if s < 365 * 24 * 3600 => format!("{}d", s / (24 * 3600)),
        s => format!("{}y", s / (365 * 24 * 3600)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn residual_time_matches_short_human_duration() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let cases = [
            (Duration::seconds(-5), "<invalid>"),
            (Duration::milliseconds(-500), "0s"),
            (Duration::seconds(59), "59s"),
            (Duration::minutes(59), "59m"),
            (Duration::hours(23), "23h"),
            (Duration::days(365) - Duration::minutes(1), "364d"),
            (Duration::days(3650), "10y"),
            (Duration::days(3649), "9y"),
        ];
        for (left, want) in cases {
            assert_eq!(residual_time(now + left, now), want, "{left}");
        }
    }
}

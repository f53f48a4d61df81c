//! `kubeadm certs check-expiration` and `kubeadm certs renew`.

use clap::builder::PossibleValuesParser;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::table::Table;

/// `all` and every renewable certificate.
pub fn renew_names() -> PossibleValuesParser {
    PossibleValuesParser::new(["all"].into_iter().chain(pki::renew::renewable()))
}

/// Prints upstream's two tables: certificates, then certificate authorities.
pub fn check_expiration(config: &pki::Config) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    let mut certs = Table::new(&["CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"]);
    for row in pki::expiration::certificates(config)? {
        match row.expires {
            Some(expires) => certs.row(&[
                &row.name,
                &format_expiry(expires)?,
                &pki::expiration::residual_time(expires, now),
                row.ca,
                yes_no(row.externally_managed),
            ]),
            None => certs.row(&[&format!("!MISSING! {}", row.name), "", "", "", ""]),
        }
    }
    let mut cas = Table::new(&["CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"]);
    for row in pki::expiration::authorities(config)? {
        match row.expires {
            Some(expires) => cas.row(&[
                &row.name,
                &format_expiry(expires)?,
                &pki::expiration::residual_time(expires, now),
                yes_no(row.externally_managed),
            ]),
            None => cas.row(&[&format!("!MISSING! {}", row.name), "", "", ""]),
        }
    }
    print!("{certs}\n{cas}");
    Ok(())
}

/// Renews one certificate or `all`, printing what was renewed.
pub fn renew(config: &pki::Config, which: &str) -> anyhow::Result<()> {
    let names = if which == "all" { pki::renew::renewable() } else { vec![which] };
    for name in names {
        println!("{}", pki::renew::renew(config, name)?);
    }
    println!(
        "\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates."
    );
    Ok(())
}

/// Upstream's layout: `Jan 02, 2006 15:04 MST`, in UTC.
fn format_expiry(when: OffsetDateTime) -> anyhow::Result<String> {
    let format = format_description!("[month repr:short] [day], [year] [hour]:[minute] UTC");
    Ok(when.to_offset(time::UtcOffset::UTC).format(format)?)
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_uses_upstream_layout() -> anyhow::Result<()> {
        let when = OffsetDateTime::from_unix_timestamp(1_795_443_000)?;
        assert_eq!(format_expiry(when)?, "Nov 23, 2026 14:10 UTC");
        Ok(())
    }
}

//! Network flag values: CIDR lists (one CIDR, or a dual-stack pair), port ranges
//! (`30000-32767`) and `ip[:port]` addresses, checked when the flag is parsed.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use ipnet::IpNet;

/// Errors from parsing a network flag value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// Not a CIDR such as `10.96.0.0/12` or `fd00::/108`.
    #[error("invalid CIDR {0:?}: expected an address and prefix length such as 10.96.0.0/12")]
    InvalidCidr(String),
    /// More than two CIDRs, or two of the same IP family.
    #[error("invalid CIDR list {0:?}: expected one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma")]
    NotDualStack(String),
    /// Not a port range such as `30000-32767`.
    #[error("invalid port range {0:?}: expected N1-N2 (inclusive), N+OFFSET or N, with ports 1-65535")]
    InvalidPortRange(String),
    /// Not an `ip` or `ip:port`.
    #[error("invalid address {0:?}: expected an IP address with an optional port, such as 0.0.0.0:10256")]
    InvalidIpPort(String),
}

/// One CIDR, or a dual-stack pair (`10.96.0.0/12,fd00::/108`), as Kubernetes takes for service
/// and pod networks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DualStackCidrs(Vec<IpNet>);

impl DualStackCidrs {
    /// The CIDRs in the order given; the first is the primary family.
    pub fn cidrs(&self) -> &[IpNet] {
        &self.0
    }
}

impl From<IpNet> for DualStackCidrs {
    fn from(cidr: IpNet) -> Self {
        Self(vec![cidr])
    }
}

impl FromStr for DualStackCidrs {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let cidrs = text
            .split(',')
            .map(|item| item.trim().parse::<IpNet>().map_err(|_| Error::InvalidCidr(item.trim().to_owned())))
            .collect::<Result<Vec<_>, _>>()?;
        match cidrs.as_slice() {
            [_] => Ok(Self(cidrs)),
            [first, second] if first.addr().is_ipv4() != second.addr().is_ipv4() => Ok(Self(cidrs)),
            _ => Err(Error::NotDualStack(text.to_owned())),
        }
    }
}

impl fmt::Display for DualStackCidrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self.0.iter().map(IpNet::to_string).collect();
        f.write_str(&texts.join(","))
    }
}

/// An inclusive range of ports, as pflag's `PortRange` takes it: `N1-N2`, `N+OFFSET` or `N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    /// The lowest port in the range.
    pub first: u16,
    /// The highest port in the range.
    pub last: u16,
}

impl PortRange {
    /// Whether `port` lies in the range.
    pub fn contains(&self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

impl FromStr for PortRange {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidPortRange(text.to_owned());
        let port = |s: &str| s.trim().parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(invalid);
        let (first, last) = if let Some((low, high)) = text.split_once('-') {
            (port(low)?, port(high)?)
        } else if let Some((base, offset)) = text.split_once('+') {
            let base = port(base)?;
            let offset = offset.trim().parse::<u16>().map_err(|_| invalid())?;
            (base, base.checked_add(offset).ok_or_else(invalid)?)
        } else {
            let single = port(text)?;
            (single, single)
        };
        if first > last {
            return Err(invalid());
        }
        Ok(Self { first, last })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// An IP address with an optional port (`0.0.0.0:10256`, `[::1]:10249` or `127.0.0.1`), as
/// upstream's `ipport` flags take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpPort {
    /// The address.
    pub ip: IpAddr,
    /// The port, when one was given.
    pub port: Option<u16>,
}

impl FromStr for IpPort {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Self { ip, port: None });
        }
        let addr = text.parse::<SocketAddr>().map_err(|_| Error::InvalidIpPort(text.to_owned()))?;
        Ok(Self { ip: addr.ip(), port: Some(addr.port()) })
    }
}

impl fmt::Display for IpPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}", SocketAddr::new(self.ip, port)),
            None => write!(f, "{}", self.ip),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cidr_lists() -> Result<(), Error> {
        assert_eq!("10.32.0.0/24".parse::<DualStackCidrs>()?.to_string(), "10.32.0.0/24");
        let pair: DualStackCidrs = "10.96.0.0/12, fd00::/108".parse()?;
        assert_eq!(pair.cidrs().len(), 2);
        assert_eq!(pair.to_string(), "10.96.0.0/12,fd00::/108");
        for bad in ["banana", "10.0.0.0", "10.0.0.0/33", "", "10.0.0.0/8,"] {
            assert!(matches!(bad.parse::<DualStackCidrs>(), Err(Error::InvalidCidr(_))), "{bad}");
        }
        for bad in ["10.0.0.0/8,192.168.0.0/16", "10.0.0.0/8,fd00::/108,10.1.0.0/16"] {
            assert!(matches!(bad.parse::<DualStackCidrs>(), Err(Error::NotDualStack(_))), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn parses_port_ranges() -> Result<(), Error> {
        let cases = [("30000-32767", 30000, 32767), ("30000+2767", 30000, 32767), ("8080", 8080, 8080), ("1-65535", 1, 65535)];
        for (text, first, last) in cases {
            assert_eq!(text.parse::<PortRange>()?, PortRange { first, last }, "{text}");
        }
        let range: PortRange = "30000-32767".parse()?;
        assert!(range.contains(30000) && range.contains(32767) && !range.contains(29999));
        assert_eq!(range.to_string(), "30000-32767");
        for bad in ["", "32767-30000", "0-10", "1-70000", "a-b", "65535+1", "30000-"] {
            assert!(bad.parse::<PortRange>().is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn parses_ip_ports() -> Result<(), Error> {
        assert_eq!("0.0.0.0:10256".parse::<IpPort>()?.to_string(), "0.0.0.0:10256");
        assert_eq!("[::1]:10249".parse::<IpPort>()?.port, Some(10249));
        assert_eq!("127.0.0.1".parse::<IpPort>()?.port, None);
        for bad in ["localhost:10256", "0.0.0.0:port", "1.2.3.4:70000"] {
            assert!(bad.parse::<IpPort>().is_err(), "{bad}");
        }
        Ok(())
    }
}

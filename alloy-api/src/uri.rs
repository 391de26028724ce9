//! Reading the URLs the client is given (the base URL, an OAuth URL shown in `Debug`) with
//! [`http::Uri`], plus the checks `Uri` leaves to its caller: a numeric port, where the user
//! info ends, whether a fragment was given (`Uri` drops it silently).
//!
//! Hosts are taken as written (ASCII only): internationalized names must be given in their
//! punycode (`xn--`) form.

use http::Uri;

/// A URL split into what the client shows or sends of it.
pub(crate) struct UrlParts {
    /// The scheme, lowercase for `http` and `https`.
    pub(crate) scheme: String,
    /// Whether user info (`user:password@`) came before the host.
    pub(crate) user_info: bool,
    /// The host, lowercase; an IPv6 address keeps its brackets.
    pub(crate) host: String,
    /// The port, unless absent, empty or the scheme's default.
    pub(crate) port: Option<u16>,
    /// The path, `/` when none was written.
    pub(crate) path: String,
    /// Whether a query (`?...`, even empty) was given.
    pub(crate) query: bool,
    /// Whether a fragment (`#...`) was given.
    pub(crate) fragment: bool,
}

/// Why a text is not an absolute URL.
#[derive(Debug)]
pub(crate) enum UrlError {
    /// Not ASCII: an internationalized host or an unencoded path.
    NotAscii,
    /// What `Uri` said.
    Syntax(http::uri::InvalidUri),
    /// No scheme or no `//` authority: `production.runalloy.com`, `/v1`.
    NotAbsolute,
    /// An empty host.
    NoHost,
    /// A port that is not a number from 0 to 65535.
    InvalidPort,
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAscii => f.write_str(
                "it must be ASCII: write an internationalized host name in its punycode \
                 (`xn--`) form and percent-encode other characters",
            ),
            Self::Syntax(e) => write!(f, "{e}"),
            Self::NotAbsolute => f.write_str(
                "it is not an absolute URL; write the scheme and host, as in \
                 `https://production.runalloy.com`",
            ),
            Self::NoHost => f.write_str("no host"),
            Self::InvalidPort => f.write_str("invalid port"),
        }
    }
}

/// Splits an absolute URL into its parts. Only the syntax is checked: any scheme, user info,
/// query and fragment are accepted and reported.
pub(crate) fn parse(raw: &str) -> Result<UrlParts, UrlError> {
    if !raw.is_ascii() {
        return Err(UrlError::NotAscii);
    }
    let uri: Uri = raw.parse().map_err(UrlError::Syntax)?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(UrlError::NotAbsolute);
    };
    let scheme = scheme.to_ascii_lowercase();
    let (user_info, host_port) = match authority.as_str().rsplit_once('@') {
        Some((_, host_port)) => (true, host_port),
        None => (false, authority.as_str()),
    };
    // `Uri` checks the brackets and the colons, not that a port is a number.
    let (host, port) = match host_port.rfind(':') {
        Some(colon) if !host_port[colon..].contains(']') => {
            (&host_port[..colon], &host_port[colon + 1..])
        }
        _ => (host_port, ""),
    };
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    let port = match port {
        "" => None,
        digits if digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse::<u16>().map_err(|_| UrlError::InvalidPort)?)
        }
        _ => return Err(UrlError::InvalidPort),
    };
    let default_port = match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    Ok(UrlParts {
        user_info,
        host: host.to_ascii_lowercase(),
        port: port.filter(|&p| Some(p) != default_port),
        path: uri.path().to_owned(),
        query: uri.query().is_some(),
        fragment: raw.contains('#'),
        scheme,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_read_and_normalized() {
        let p = parse("HTTPS://u:pw@API.Example.com:443/V1/?k=v#f").unwrap();
        assert_eq!(
            (p.scheme.as_str(), p.user_info, p.host.as_str(), p.port),
            ("https", true, "api.example.com", None)
        );
        assert_eq!((p.path.as_str(), p.query, p.fragment), ("/V1/", true, true));
        let p = parse("http://[::1]:8080").unwrap();
        assert_eq!(
            (p.host.as_str(), p.port, p.path.as_str()),
            ("[::1]", Some(8080), "/")
        );
        let p = parse("http://h:/x?").unwrap();
        assert_eq!((p.port, p.query, p.fragment), (None, true, false));
    }

    #[test]
    fn what_uri_lets_through_is_refused() {
        for raw in [
            "https://user:p/w@host",
            "https://user:pw#x@host",
            "https://h:99999",
        ] {
            assert!(matches!(parse(raw), Err(UrlError::InvalidPort)), "{raw}");
        }
        assert!(matches!(parse("https://:8080/"), Err(UrlError::NoHost)));
        for raw in ["production.runalloy.com", "localhost:3000", "/v1"] {
            assert!(matches!(parse(raw), Err(UrlError::NotAbsolute)), "{raw}");
        }
        assert!(matches!(
            parse("https://bücher.example"),
            Err(UrlError::NotAscii)
        ));
        assert!(matches!(parse("not a url"), Err(UrlError::Syntax(_))));
    }
}

//! The proxy settings of the environment, read as curl and reqwest read them: `HTTPS_PROXY`
//! for `https` destinations and `HTTP_PROXY` for `http` ones, `ALL_PROXY` for both when the
//! specific one is not set, minus the hosts of `NO_PROXY` (each also in lowercase, the
//! uppercase form first). Under CGI (`REQUEST_METHOD` set) the environment's proxies are
//! ignored, since a request header can set `HTTP_PROXY` there ("httpoxy").
//!
//! A client talks to one origin, so this only answers "which proxy, if any, for this host".

use std::net::IpAddr;

use http::header::HeaderValue;
use percent_encoding::percent_decode_str;

/// The proxy rules of an environment.
#[derive(Debug, Default)]
pub(crate) struct ProxyEnv {
    http: Option<Proxy>,
    https: Option<Proxy>,
    no: Vec<NoProxy>,
}

/// A proxy URL from the environment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Proxy {
    /// `http` when the URL has no scheme.
    pub(crate) scheme: String,
    /// The host, IPv6 addresses without brackets.
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    /// `Basic` credentials from the URL's user information, percent-decoded, marked
    /// sensitive.
    pub(crate) auth: Option<HeaderValue>,
}

/// One entry of `NO_PROXY`.
#[derive(Debug, PartialEq)]
enum NoProxy {
    /// `*`: every host.
    All,
    /// An address, or a network in CIDR notation (`192.168.0.0/16`, `fd00::/8`).
    Net(IpAddr, u8),
    /// A domain and its subdomains (`example.com` and `.example.com` alike).
    Domain(String),
}

impl ProxyEnv {
    /// Reads the process environment.
    pub(crate) fn from_env() -> Self {
        if std::env::var_os("REQUEST_METHOD").is_some() {
            return Self::default();
        }
        let var = |names: [&str; 2]| {
            names
                .iter()
                .find_map(|name| std::env::var(name).ok())
                .unwrap_or_default()
        };
        Self::new(
            &var(["HTTP_PROXY", "http_proxy"]),
            &var(["HTTPS_PROXY", "https_proxy"]),
            &var(["ALL_PROXY", "all_proxy"]),
            &var(["NO_PROXY", "no_proxy"]),
        )
    }

    /// Rules from the values of `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`
    /// (empty for unset).
    pub(crate) fn new(http: &str, https: &str, all: &str, no: &str) -> Self {
        let all = parse_proxy(all);
        Self {
            http: parse_proxy(http).or_else(|| all.clone()),
            https: parse_proxy(https).or(all),
            no: no.split(',').filter_map(parse_no_proxy).collect(),
        }
    }

    /// The proxy for a destination of `scheme` (`http` or `https`) on `host`, if any.
    pub(crate) fn proxy_for(&self, scheme: &str, host: &str) -> Option<&Proxy> {
        let proxy = match scheme {
            "http" => self.http.as_ref(),
            "https" => self.https.as_ref(),
            _ => None,
        }?;
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let excluded = self.no.iter().any(|entry| entry.matches(host));
        (!excluded).then_some(proxy)
    }
}

/// Reads a proxy URL: `[scheme://][user[:password]@]host[:port][/...]`. A scheme other than
/// `http`, `https` and the SOCKS ones (which the client then refuses with a message) makes
/// the variable ignored, as does a value that is not a URL.
fn parse_proxy(value: &str) -> Option<Proxy> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let uri: http::Uri = value.parse().ok()?;
    let scheme = match uri.scheme_str() {
        None => "http",
        Some(s @ ("http" | "https" | "socks4" | "socks4a" | "socks5" | "socks5h")) => s,
        Some(_) => return None,
    };
    let authority = uri.authority()?.as_str();
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port.parse().ok()?)),
        _ => (host_port, None),
    };
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    let auth = userinfo.map(|userinfo| {
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let credentials = format!(
            "{}:{}",
            percent_decode_str(user).decode_utf8_lossy(),
            percent_decode_str(password).decode_utf8_lossy()
        );
        let mut value = HeaderValue::try_from(format!("Basic {}", base64(credentials.as_bytes())))
            .expect("base64 is a valid header value");
        value.set_sensitive(true);
        value
    });
    Some(Proxy {
        scheme: scheme.to_owned(),
        host: host.to_owned(),
        port,
        auth,
    })
}

/// Reads one comma-separated entry of `NO_PROXY`; blank entries are skipped.
fn parse_no_proxy(entry: &str) -> Option<NoProxy> {
    let entry = entry.trim();
    if entry.is_empty() {
        return None;
    }
    if entry == "*" {
        return Some(NoProxy::All);
    }
    let (address, prefix) = match entry.split_once('/') {
        Some((address, prefix)) => (address, prefix.parse::<u8>().ok()),
        None => (entry, None),
    };
    let bare = address
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(address);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        let prefix = match (entry.contains('/'), prefix) {
            (false, _) => bits,
            (true, Some(prefix)) if prefix <= bits => prefix,
            // `10.0.0.0/99`: not an address rule; curl ignores it too.
            (true, _) => return None,
        };
        return Some(NoProxy::Net(ip, prefix));
    }
    Some(NoProxy::Domain(entry.to_ascii_lowercase()))
}

impl NoProxy {
    /// Whether this entry excludes `host` (a name, or an address without brackets).
    fn matches(&self, host: &str) -> bool {
        match self {
            NoProxy::All => true,
            NoProxy::Net(net, prefix) => host
                .parse::<IpAddr>()
                .is_ok_and(|ip| in_network(ip, *net, *prefix)),
            NoProxy::Domain(domain) => {
                let host = host.trim_end_matches('.').to_ascii_lowercase();
                let domain = domain.trim_start_matches('.').trim_end_matches('.');
                host == domain
                    || host
                        .strip_suffix(domain)
                        .is_some_and(|sub| sub.ends_with('.'))
            }
        }
    }
}

/// Whether `ip` is in the network of `net`'s first `prefix` bits.
fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    let (ip, net, bits) = match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => (u32::from(ip) as u128, u32::from(net) as u128, 32),
        (IpAddr::V6(ip), IpAddr::V6(net)) => (u128::from(ip), u128::from(net), 128),
        _ => return false,
    };
    let shift = bits - u32::from(prefix);
    // A zero-length prefix is every address of the family.
    shift >= 128 || (ip >> shift) == (net >> shift)
}

/// Standard base64 with padding, for `Basic` credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("user:pw", "dXNlcjpwdw=="),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn proxy_urls_are_read_with_their_credentials() {
        let p = parse_proxy("http://us%40er:p%3Aw@proxy.corp:3128/ignored").unwrap();
        assert_eq!(
            (p.scheme.as_str(), p.host.as_str(), p.port),
            ("http", "proxy.corp", Some(3128))
        );
        // "us@er:p:w"
        assert_eq!(p.auth.as_ref().unwrap(), "Basic dXNAZXI6cDp3");
        assert!(p.auth.unwrap().is_sensitive());

        let bare = parse_proxy("proxy.corp:8080").unwrap();
        assert_eq!(
            (bare.scheme.as_str(), bare.port, bare.auth),
            ("http", Some(8080), None)
        );
        let user_only = parse_proxy("http://user@proxy.corp").unwrap();
        assert_eq!(user_only.auth.unwrap(), "Basic dXNlcjo=");
        let v6 = parse_proxy("http://[::1]:3128").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", Some(3128)));
        assert_eq!(
            parse_proxy("socks5://proxy.corp:1080").unwrap().scheme,
            "socks5"
        );

        for ignored in [
            "",
            "  ",
            "ftp://proxy.corp",
            "http://",
            "http://proxy.corp:notaport",
        ] {
            assert_eq!(parse_proxy(ignored), None, "{ignored:?}");
        }
    }

    #[test]
    fn the_specific_variable_wins_over_all_proxy() {
        let env = ProxyEnv::new("http://h:1", "", "http://all:2", "");
        assert_eq!(env.proxy_for("http", "api.example").unwrap().host, "h");
        assert_eq!(env.proxy_for("https", "api.example").unwrap().host, "all");
        let none = ProxyEnv::new("", "", "", "");
        assert!(none.proxy_for("https", "api.example").is_none());
    }

    #[test]
    fn no_proxy_excludes_domains_addresses_and_networks_as_curl_does() {
        let env = ProxyEnv::new(
            "",
            "",
            "http://proxy:3128",
            " example.com, .internal ,192.168.1.0/24, 10.1.2.3, ::1, fd00::/8, bad/99 ,",
        );
        let direct = |host: &str| env.proxy_for("https", host).is_none();
        for host in [
            "example.com",
            "API.Example.com",
            "example.com.",
            "svc.internal",
            "internal",
            "192.168.1.42",
            "10.1.2.3",
            "[::1]",
            "fd12::5",
        ] {
            assert!(direct(host), "{host} should bypass the proxy");
        }
        for host in [
            "notexample.com",
            "example.com.evil",
            "internal.example",
            "192.168.2.1",
            "10.1.2.4",
            "::2",
            "fe80::1",
            "bad",
        ] {
            assert!(!direct(host), "{host} should go through the proxy");
        }
        let all = ProxyEnv::new("", "", "http://proxy:3128", "*");
        assert!(all.proxy_for("https", "anything.example").is_none());
        assert!(all.proxy_for("https", "10.0.0.1").is_none());
        let every_v4 = ProxyEnv::new("", "", "http://proxy:3128", "0.0.0.0/0");
        assert!(every_v4.proxy_for("http", "8.8.8.8").is_none());
        assert!(every_v4.proxy_for("http", "::8").is_some());
    }
}

//! The command line of the `alloy-sandbox` binary: its usage text and argument parsing, kept
//! in the library so that their tests run with the library's. Not a stable API.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::{Contract, DEFAULT_MAX_LOGS, DEFAULT_MAX_USERS};

/// The usage text `--help` prints.
pub const USAGE: &str = "\
Runs an in-process, Alloy-compatible sandbox of the Alloy Embedded API (2025-09).

Usage: alloy-sandbox [OPTIONS]

Options:
  --port <N>        Port to listen on [default: 8080; 0 picks a free port]
  --host <ADDR>     IP address to listen on [default: 127.0.0.1]
  --api-key <KEY>   API key clients must send as `Authorization: Bearer <KEY>`
                    [default: a random sk_sandbox_... key, printed at startup]
  --contract <C>    Contract to answer by [default: official]
                      official  Alloy's 2025-09 reference, all 38 operations: requires
                                `x-api-version: 2025-09`, answers lists as {\"data\": [...]}
                      seed      the ten-operation seed document, and only its ten:
                                {\"integrations\": [...]}, {\"success\", \"message\"},
                                201 on user creation
  --max-users <N>   User records kept, live and deleted together; past it the
                    oldest deleted user goes first, then the oldest live user
                    [default: 10000]
  --max-logs <N>    Log entries kept, and errors kept, of all users together;
                    past it the oldest go first [default: 100000]
  --deliver-to <URL>
                    POST every workflow run to URL as JSON, signed with
                    X-Alloy-Signature by the sandbox's own key (public, for the
                    sandbox only; its PEM is printed at startup)
  -h, --help        Print this help

The API is served at the root of the printed URL (/users, /run/event, ...).
Stop the server with Ctrl-C.";

/// The default port.
pub const DEFAULT_PORT: u16 = 8080;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print the usage text.
    Help,
    /// Serve until Ctrl-C.
    Run {
        /// Where to listen.
        addr: SocketAddr,
        /// The key clients must send; a random one when `None`.
        api_key: Option<String>,
        /// The contract to answer by.
        contract: Contract,
        /// The most user records kept.
        max_users: usize,
        /// The most logs (and errors) kept.
        max_logs: usize,
        /// Where to deliver workflow runs, if anywhere.
        deliver_to: Option<String>,
    },
}

/// Parses the arguments after the program name; `--flag value` and `--flag=value` both work.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = DEFAULT_PORT;
    let mut api_key = None;
    let mut contract = Contract::default();
    let mut max_users = DEFAULT_MAX_USERS;
    let mut max_logs = DEFAULT_MAX_LOGS;
    let mut deliver_to = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => {
                let raw = value("--port")?;
                port = raw
                    .parse()
                    .map_err(|_| format!("--port: `{raw}` is not a port number (0-65535)"))?;
            }
            "--host" => {
                let raw = value("--host")?;
                host = raw
                    .parse()
                    .map_err(|_| format!("--host: `{raw}` is not an IP address"))?;
            }
            "--api-key" => {
                let key = value("--api-key")?;
                if key.is_empty() || key.chars().any(char::is_whitespace) {
                    return Err(
                        "--api-key: the key must be non-empty and without whitespace".to_owned(),
                    );
                }
                api_key = Some(key);
            }
            "--contract" => {
                let raw = value("--contract")?;
                contract = raw
                    .parse()
                    .map_err(|error| format!("--contract: {error}"))?;
            }
            "--max-users" => max_users = bound("--max-users", &value("--max-users")?)?,
            "--max-logs" => max_logs = bound("--max-logs", &value("--max-logs")?)?,
            "--deliver-to" => {
                let url = value("--deliver-to")?;
                crate::infra::deliveries::parse_url(&url)
                    .map_err(|error| format!("--deliver-to: {error}"))?;
                deliver_to = Some(url);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Command::Run {
        addr: SocketAddr::new(host, port),
        api_key,
        contract,
        max_users,
        max_logs,
        deliver_to,
    })
}

/// Parses the value of a bound flag: a positive integer.
fn bound(flag: &str, raw: &str) -> Result<usize, String> {
    raw.parse()
        .ok()
        .filter(|bound| *bound >= 1)
        .ok_or_else(|| format!("{flag}: `{raw}` is not a positive integer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn defaults_to_localhost_8080_and_a_random_key() {
        assert_eq!(
            parse(&[]),
            Ok(Command::Run {
                addr: "127.0.0.1:8080".parse().unwrap(),
                api_key: None,
                contract: Contract::Official,
                max_users: DEFAULT_MAX_USERS,
                max_logs: DEFAULT_MAX_LOGS,
                deliver_to: None,
            })
        );
    }

    #[test]
    fn reads_flags_in_both_forms() {
        assert_eq!(
            parse(&["--port", "0", "--api-key=sk_x", "--host", "0.0.0.0"]),
            Ok(Command::Run {
                addr: "0.0.0.0:0".parse().unwrap(),
                api_key: Some("sk_x".to_owned()),
                contract: Contract::Official,
                max_users: DEFAULT_MAX_USERS,
                max_logs: DEFAULT_MAX_LOGS,
                deliver_to: None,
            })
        );
        assert_eq!(
            parse(&["--port=9000"]),
            Ok(Command::Run {
                addr: "127.0.0.1:9000".parse().unwrap(),
                api_key: None,
                contract: Contract::Official,
                max_users: DEFAULT_MAX_USERS,
                max_logs: DEFAULT_MAX_LOGS,
                deliver_to: None,
            })
        );
        for (args, expected) in [
            (&["--contract", "seed"][..], Contract::Seed),
            (&["--contract=official"][..], Contract::Official),
            (&["--contract=SEED"][..], Contract::Seed),
        ] {
            assert_eq!(
                parse(args),
                Ok(Command::Run {
                    addr: "127.0.0.1:8080".parse().unwrap(),
                    api_key: None,
                    contract: expected,
                    max_users: DEFAULT_MAX_USERS,
                    max_logs: DEFAULT_MAX_LOGS,
                    deliver_to: None,
                })
            );
        }
        assert_eq!(
            parse(&["--max-users", "3", "--max-logs=7"]),
            Ok(Command::Run {
                addr: "127.0.0.1:8080".parse().unwrap(),
                api_key: None,
                contract: Contract::Official,
                max_users: 3,
                max_logs: 7,
                deliver_to: None,
            })
        );
        assert_eq!(parse(&["--port", "1", "--help"]), Ok(Command::Help));
        assert_eq!(parse(&["-h"]), Ok(Command::Help));
    }

    #[test]
    fn reads_a_delivery_url() {
        assert_eq!(
            parse(&["--deliver-to", "http://127.0.0.1:3000/hooks/alloy?tenant=1"]),
            Ok(Command::Run {
                addr: "127.0.0.1:8080".parse().unwrap(),
                api_key: None,
                contract: Contract::Official,
                max_users: DEFAULT_MAX_USERS,
                max_logs: DEFAULT_MAX_LOGS,
                deliver_to: Some("http://127.0.0.1:3000/hooks/alloy?tenant=1".to_owned()),
            })
        );
        for bad in [
            "127.0.0.1:3000/hooks",
            "ftp://example.com/",
            "http://user:pw@example.com/",
            "http://example.com/#part",
        ] {
            let error = parse(&["--deliver-to", bad]).unwrap_err();
            assert!(error.starts_with("--deliver-to: "), "{bad}: {error}");
        }
        assert!(
            parse(&["--deliver-to"])
                .unwrap_err()
                .contains("needs a value")
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--port", "-1"]).is_err());
        assert!(parse(&["--host", "localhost:1"]).is_err());
        assert!(parse(&["--api-key", ""]).is_err());
        assert!(parse(&["--api-key=a b"]).is_err());
        assert!(parse(&["--verbose"]).unwrap_err().contains("--verbose"));
        assert!(parse(&["8080"]).is_err());
        for bad in ["0", "-1", "many", ""] {
            let message = parse(&["--max-users", bad]).unwrap_err();
            assert!(message.contains("--max-users"), "{message}");
            let message = parse(&["--max-logs", bad]).unwrap_err();
            assert!(message.contains("--max-logs"), "{message}");
        }
        assert!(
            parse(&["--contract"])
                .unwrap_err()
                .contains("needs a value")
        );
        let unknown = parse(&["--contract", "2024-03"]).unwrap_err();
        assert!(
            unknown.contains("2024-03") && unknown.contains("official"),
            "{unknown}"
        );
    }
}

//! `alloy-sandbox` runs the Alloy-compatible sandbox server until Ctrl-C.
//!
//! It listens on `127.0.0.1:8080` unless told otherwise and prints its URL and API key.

use std::fmt;
use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use alloy_sandbox::{Contract, Sandbox, SandboxConfig};

const USAGE: &str = "\
Runs an in-process, Alloy-compatible sandbox of the Alloy Embedded API (2025-09).

Usage: alloy-sandbox [OPTIONS]

Options:
  --port <N>        Port to listen on [default: 8080; 0 picks a free port]
  --host <ADDR>     IP address to listen on [default: 127.0.0.1]
  --api-key <KEY>   API key clients must send as `Authorization: Bearer <KEY>`
                    [default: a random sk_sandbox_... key, printed at startup]
  --contract <C>    Contract to answer by [default: official]
                      official  Alloy's 2025-09 reference: requires `x-api-version: 2025-09`,
                                answers lists as {\"data\": [...]}
                      seed      the ten-operation seed document: {\"integrations\": [...]},
                                {\"success\", \"message\"}, 201 on user creation
  -h, --help        Print this help

The API is served at the root of the printed URL (/users, /run/event, ...).
Stop the server with Ctrl-C.";

/// The default port.
const DEFAULT_PORT: u16 = 8080;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Run {
        addr: SocketAddr,
        api_key: Option<String>,
        contract: Contract,
    },
}

/// Parses the arguments after the program name; `--flag value` and `--flag=value` both work.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = DEFAULT_PORT;
    let mut api_key = None;
    let mut contract = Contract::default();
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
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Command::Run {
        addr: SocketAddr::new(host, port),
        api_key,
        contract,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        // The reader left early, as `alloy-sandbox --help | head -1` does: not an error, and
        // nothing is left to say to anyone.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            complain(format_args!("cannot write to stdout: {error}"));
            ExitCode::FAILURE
        }
    }
}

/// Runs the command; an error is a failure to write to stdout.
async fn run() -> io::Result<ExitCode> {
    let (addr, api_key, contract) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            say(format_args!("{USAGE}"))?;
            return Ok(ExitCode::SUCCESS);
        }
        Ok(Command::Run {
            addr,
            api_key,
            contract,
        }) => (addr, api_key, contract),
        Err(message) => {
            complain(format_args!("{message}\n\n{USAGE}"));
            return Ok(ExitCode::from(2));
        }
    };

    let mut config = SandboxConfig::new().with_addr(addr).with_contract(contract);
    if let Some(api_key) = api_key {
        config = config.with_api_key(api_key);
    }
    let sandbox = match Sandbox::start_with(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            complain(format_args!("cannot listen on {addr}: {error}"));
            return Ok(ExitCode::FAILURE);
        }
    };
    // Without stdout nobody learns the URL and key, so there is no point in serving; the
    // sandbox stops when dropped.
    say(format_args!(
        "Alloy sandbox listening on {}\nAPI key: {}\nContract: {}\nPress Ctrl-C to stop.",
        sandbox.base_url(),
        sandbox.api_key(),
        sandbox.contract()
    ))?;

    let stopped = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    match stopped {
        Ok(()) => {
            say(format_args!("Alloy sandbox stopped."))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            complain(format_args!("cannot wait for Ctrl-C: {error}"));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Writes a line to stdout through its lock; unlike `println!`, a closed stdout is an error
/// to handle, not a panic.
fn say(line: fmt::Arguments<'_>) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

/// Writes `alloy-sandbox: <message>` to stderr; if stderr is gone too, there is nobody left
/// to tell, so the error is dropped.
fn complain(message: fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "alloy-sandbox: {message}");
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
            })
        );
        assert_eq!(
            parse(&["--port=9000"]),
            Ok(Command::Run {
                addr: "127.0.0.1:9000".parse().unwrap(),
                api_key: None,
                contract: Contract::Official,
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
                })
            );
        }
        assert_eq!(parse(&["--port", "1", "--help"]), Ok(Command::Help));
        assert_eq!(parse(&["-h"]), Ok(Command::Help));
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

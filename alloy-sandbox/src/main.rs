//! `alloy-sandbox` runs the Alloy-compatible sandbox server until Ctrl-C.
//!
//! It listens on `127.0.0.1:8080` unless told otherwise and prints its URL and API key.

use std::fmt;
use std::io::{self, Write as _};
use std::process::ExitCode;

use alloy_sandbox::cli::{Command, USAGE, parse_args};
use alloy_sandbox::{Sandbox, SandboxConfig};

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
    let (addr, api_key, contract, max_users, max_logs, deliver_to) =
        match parse_args(std::env::args().skip(1)) {
            Ok(Command::Help) => {
                say(format_args!("{USAGE}"))?;
                return Ok(ExitCode::SUCCESS);
            }
            Ok(Command::Run {
                addr,
                api_key,
                contract,
                max_users,
                max_logs,
                deliver_to,
            }) => (addr, api_key, contract, max_users, max_logs, deliver_to),
            Err(message) => {
                complain(format_args!("{message}\n\n{USAGE}"));
                return Ok(ExitCode::from(2));
            }
        };

    let mut config = SandboxConfig::new()
        .with_addr(addr)
        .with_contract(contract)
        .with_max_users(max_users)
        .with_max_logs(max_logs);
    if let Some(api_key) = api_key {
        config = config.with_api_key(api_key);
    }
    if let Some(url) = &deliver_to {
        config = config.with_delivery_url(url);
    }
    let sandbox = match Sandbox::start_with(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            complain(format_args!("cannot start on {addr}: {error}"));
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
    if let Some(url) = &deliver_to {
        say(format_args!(
            "Delivering every workflow run to POST {url}, signed with X-Alloy-Signature by \
             this key (public, for the sandbox only):\n{}",
            sandbox.signing_public_key_pem().trim_end()
        ))?;
    }

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

//! The `alloy-sandbox` binary as a shell runs it.

use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary, with its stdout a pipe whose reading end is already closed: the state of
/// `alloy-sandbox ... | head -1` once `head` has left.
fn with_closed_stdout(args: &[&str]) -> Command {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut command = Command::new(env!("CARGO_BIN_EXE_alloy-sandbox"));
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped());
    command
}

/// Waits for the child up to `limit`, killing it if it is still running then.
fn wait(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child
        .try_wait()
        .expect("the child can be waited for")
        .is_none()
    {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("the killed child's output");
            panic!(
                "still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("the child's output")
}

#[track_caller]
fn assert_quiet_success(status: ExitStatus, stderr: &[u8]) {
    let stderr = String::from_utf8_lossy(stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(status.success(), "{status}; stderr: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// Regression: `alloy-sandbox --help | head -1` panicked ("failed printing to stdout: Broken
/// pipe") because `println!` panics when the reader has gone.
#[test]
fn help_into_a_closed_pipe_exits_quietly() {
    for flag in ["--help", "-h"] {
        let output = with_closed_stdout(&[flag])
            .output()
            .expect("the binary runs");
        assert_quiet_success(output.status, &output.stderr);
    }
}

/// Whoever ran the server can no longer learn its URL and key, so it stops instead of
/// panicking or serving nobody.
#[test]
fn the_server_stops_quietly_when_stdout_is_gone() {
    let child = with_closed_stdout(&["--port", "0"])
        .spawn()
        .expect("the binary starts");
    let output = wait(child, Duration::from_secs(20));
    assert_quiet_success(output.status, &output.stderr);
}

#[test]
fn help_goes_to_stdout_and_bad_arguments_to_stderr() {
    let help = Command::new(env!("CARGO_BIN_EXE_alloy-sandbox"))
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(help.status.success());
    let stdout = String::from_utf8(help.stdout).unwrap();
    assert!(
        stdout.contains("Usage: alloy-sandbox [OPTIONS]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--contract <C>") && stdout.contains("[default: official]"),
        "{stdout}"
    );
    assert!(help.stderr.is_empty());

    let bad = Command::new(env!("CARGO_BIN_EXE_alloy-sandbox"))
        .arg("--verbose")
        .output()
        .expect("the binary runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(
        stderr.starts_with("alloy-sandbox: unknown argument `--verbose`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Usage: alloy-sandbox [OPTIONS]"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_contract_is_refused() {
    let bad = Command::new(env!("CARGO_BIN_EXE_alloy-sandbox"))
        .args(["--contract", "2024-03"])
        .output()
        .expect("the binary runs");
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(
        stderr.starts_with("alloy-sandbox: --contract: unknown contract `2024-03`"),
        "{stderr}"
    );
}

#[test]
fn deliver_to_prints_the_signing_key_at_startup() {
    use std::io::{BufRead as _, BufReader};

    let mut child = Command::new(env!("CARGO_BIN_EXE_alloy-sandbox"))
        .args([
            "--port",
            "0",
            "--deliver-to",
            "http://127.0.0.1:9/hooks/alloy",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("a piped stdout");
    let (lines, startup) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let last = line == "-----END PUBLIC KEY-----";
            seen.push(line);
            if last {
                break;
            }
        }
        let _ = lines.send(seen);
    });
    // A bound on a hung binary, not a measurement: the startup lines come at once.
    let startup = startup.recv_timeout(Duration::from_secs(20));
    let _ = child.kill();
    let output = child.wait_with_output().expect("the killed child's output");
    let startup = startup.unwrap_or_else(|_| {
        panic!(
            "no key printed; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let text = startup.join("\n");
    assert!(
        text.contains("Delivering every workflow run to POST http://127.0.0.1:9/hooks/alloy"),
        "{text}"
    );
    let pem = &text[text
        .find("-----BEGIN PUBLIC KEY-----")
        .expect("a PEM block")..];
    let verifier = alloy_api::SignatureVerifier::from_pem(pem).expect("the printed key reads");
    assert_eq!(verifier.key_bits(), 2048);
}

#[test]
fn a_bad_delivery_url_is_refused() {
    let bad = Command::new(env!("CARGO_BIN_EXE_alloy-sandbox"))
        .args(["--deliver-to", "localhost:3000/hooks"])
        .output()
        .expect("the binary runs");
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(
        stderr.starts_with("alloy-sandbox: --deliver-to: "),
        "{stderr}"
    );
}

//! Signed deliveries: the sandbox POSTs every workflow run to a URL of the user's, signed with
//! `X-Alloy-Signature` as Alloy signs the calls of its Custom API blocks and data streams.
//!
//! A run hands its [`RunDelivery`] to a bounded queue without waiting; a background task
//! signs and sends it with its own timeout, so a slow, failing or absent receiver never
//! delays or fails the API call that caused the run. The outcome of each delivery is counted
//! in [`Deliveries`].

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use alloy_api::SignatureVerifier;
use alloy_api::reqwest;
use alloy_api::signature::{Encoding, SIGNATURE_HEADER, signed_message};
use chrono::{DateTime, Utc};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::state::SandboxState;

/// The sandbox's signing key, PKCS#8 PEM: public, for the sandbox only (see the file).
const SIGNING_KEY_PEM: &str = include_str!("../../keys/sandbox-signing-key.SANDBOX-ONLY.pem");

/// How many runs may wait for delivery; a run beyond them is counted as failed
/// ([`DeliveryError::QueueFull`]) rather than held in memory without bound.
const QUEUE_CAPACITY: usize = 1024;

/// How many deliveries are in flight at once.
const CONCURRENT_DELIVERIES: usize = 16;

/// The default time a delivery may take, connection included.
pub(crate) const DEFAULT_DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The key pair the sandbox signs with, and its public half as a verifier.
pub(crate) struct SigningKey {
    key_pair: RsaKeyPair,
    verifier: SignatureVerifier,
    rng: SystemRandom,
}

impl SigningKey {
    /// Returns the process's copy of the shipped key, read once.
    pub(crate) fn shipped() -> std::io::Result<Arc<SigningKey>> {
        static KEY: OnceLock<Result<Arc<SigningKey>, String>> = OnceLock::new();
        KEY.get_or_init(|| SigningKey::from_pem(SIGNING_KEY_PEM).map(Arc::new))
            .clone()
            .map_err(std::io::Error::other)
    }

    /// Reads a PKCS#8 `PRIVATE KEY` PEM block, after any lines of explanation.
    fn from_pem(text: &str) -> Result<SigningKey, String> {
        let block = text
            .find("-----BEGIN")
            .map(|start| &text[start..])
            .ok_or("the sandbox signing key has no PEM block")?;
        let (label, der) = pkcs1::der::pem::decode_vec(block.trim_ascii().as_bytes())
            .map_err(|error| format!("the sandbox signing key is not PEM: {error}"))?;
        if label != "PRIVATE KEY" {
            return Err(format!(
                "the sandbox signing key is a `{label}`, not a PKCS#8 `PRIVATE KEY`"
            ));
        }
        let key_pair = RsaKeyPair::from_pkcs8(&der)
            .map_err(|error| format!("the sandbox signing key is refused: {error}"))?;
        let verifier = SignatureVerifier::from_pkcs1_der(key_pair.public().as_ref())
            .map_err(|error| format!("the sandbox signing key is refused: {error}"))?;
        Ok(SigningKey {
            key_pair,
            verifier,
            rng: SystemRandom::new(),
        })
    }

    /// Returns a verifier of this key's signatures.
    pub(crate) fn verifier(&self) -> &SignatureVerifier {
        &self.verifier
    }

    /// Signs `message` with RSA PKCS#1 v1.5 and SHA-256 (what Alloy's current page verifies)
    /// and returns the signature hex-encoded, as the header carries it.
    fn sign(&self, message: &[u8]) -> Result<String, DeliveryError> {
        let mut signature = vec![0; self.key_pair.public().modulus_len()];
        self.key_pair
            .sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut signature)
            .map_err(|_| DeliveryError::Signing)?;
        Ok(Encoding::Hex.encode(&signature))
    }
}

/// The body of one delivery: a workflow run, as JSON with camelCase names.
///
/// Alloy's pages say which headers its calls carry but not what a Custom API block's or a
/// data stream's body holds (the workflow's author decides), so this shape is the sandbox's.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RunDelivery {
    /// The execution id, as `GET /workflows/{workflowId}/logs` shows it.
    pub(crate) execution_id: String,
    pub(crate) workflow_id: String,
    pub(crate) user_id: String,
    /// The event that triggered the run; `None` for `POST /run/workflow`.
    pub(crate) event: Option<String>,
    /// The installed version that ran.
    pub(crate) version: String,
    /// `success` or `failure`.
    pub(crate) status: &'static str,
    /// A failed run's error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    pub(crate) executed_at: DateTime<Utc>,
    /// The event's or the call's `data`, as received.
    pub(crate) data: Value,
}

impl RunDelivery {
    /// Names the event that triggered the run.
    pub(crate) fn triggered_by(mut self, event: &str) -> RunDelivery {
        self.event = Some(event.to_owned());
        self
    }
}

/// What the sandbox has delivered so far: runs handed to delivery, delivered (a 2xx answer),
/// failed, and the last failure.
///
/// Every run counts in [`attempted`](Self::attempted) once a delivery URL is configured; it
/// is [`pending`](Self::pending) until its delivery ends, then counts as delivered or failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deliveries {
    attempted: u64,
    delivered: u64,
    failed: u64,
    last_error: Option<DeliveryError>,
}

impl Deliveries {
    /// Returns how many runs were handed to delivery.
    pub fn attempted(&self) -> u64 {
        self.attempted
    }

    /// Returns how many deliveries the receiver answered with a 2xx status.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Returns how many deliveries failed (refused, timed out, answered with another status,
    /// or not queued).
    pub fn failed(&self) -> u64 {
        self.failed
    }

    /// Returns how many deliveries have not ended yet.
    pub fn pending(&self) -> u64 {
        // Saturating: a delivery that ends while the sandbox abandons it counts twice.
        self.attempted
            .saturating_sub(self.delivered)
            .saturating_sub(self.failed)
    }

    /// Returns why the last failed delivery failed.
    pub fn last_error(&self) -> Option<&DeliveryError> {
        self.last_error.as_ref()
    }
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The request could not be sent or its answer not read (connection refused, reset, ...).
    Transport(String),
    /// The receiver did not answer within the delivery timeout.
    TimedOut(Duration),
    /// The receiver answered with a status outside 2xx.
    Status(u16),
    /// More runs were waiting for delivery than the queue holds (1024).
    QueueFull,
    /// The delivery could not be signed.
    Signing,
    /// The sandbox stopped before the delivery ended.
    Abandoned,
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(error) => write!(f, "the delivery was not sent: {error}"),
            Self::TimedOut(timeout) => {
                write!(f, "the receiver did not answer within {timeout:?}")
            }
            Self::Status(status) => write!(f, "the receiver answered {status}"),
            Self::QueueFull => f.write_str("too many runs were waiting for delivery"),
            Self::Signing => f.write_str("the delivery could not be signed"),
            Self::Abandoned => f.write_str("the sandbox stopped before the delivery ended"),
        }
    }
}

impl std::error::Error for DeliveryError {}

/// The sending end of the delivery queue and the counts, shared by the state's handles.
pub(crate) struct DeliveryQueue {
    queue: Option<mpsc::Sender<RunDelivery>>,
    counts: watch::Sender<Deliveries>,
}

impl DeliveryQueue {
    /// Returns a queue that delivers nothing: no URL is configured.
    pub(crate) fn disabled() -> DeliveryQueue {
        DeliveryQueue {
            queue: None,
            counts: watch::Sender::new(Deliveries::default()),
        }
    }
}

/// Where and how the background task delivers.
pub(crate) struct Target {
    pub(crate) url: reqwest::Url,
    pub(crate) timeout: Duration,
    pub(crate) key: Arc<SigningKey>,
}

/// Checks a delivery URL: absolute `http` or `https` with a host and no credentials (a
/// fragment is never sent, so it is refused rather than silently dropped).
pub(crate) fn parse_url(raw: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(raw)
        .map_err(|error| format!("the delivery URL `{raw}` is not a URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("the delivery URL `{raw}` is not http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("the delivery URL `{raw}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the delivery URL must not carry credentials".to_owned());
    }
    if url.fragment().is_some() {
        return Err(format!("the delivery URL `{raw}` has a fragment"));
    }
    Ok(url)
}

/// Starts the background task that delivers to `target`, and returns the queue the state
/// feeds and the task (aborting it abandons the deliveries in flight).
pub(crate) fn start(target: Target) -> Result<(DeliveryQueue, JoinHandle<()>), String> {
    let http = http_client(target.timeout)?;
    let (queue, mut runs) = mpsc::channel::<RunDelivery>(QUEUE_CAPACITY);
    let counts = watch::Sender::new(Deliveries::default());
    let task_counts = counts.clone();
    let signed_url = path_and_query(&target.url);
    let target = Arc::new((target, signed_url));
    let task = tokio::spawn(async move {
        let permits = Arc::new(Semaphore::new(CONCURRENT_DELIVERIES));
        // The deliveries in flight belong to this task: aborting it aborts them.
        let mut in_flight = JoinSet::new();
        while let Some(run) = runs.recv().await {
            // The semaphore is never closed, so acquiring fails only if it were.
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                break;
            };
            let (http, target, counts) = (http.clone(), Arc::clone(&target), task_counts.clone());
            in_flight.spawn(async move {
                let (target, signed_url) = &*target;
                let outcome = deliver(&http, target, signed_url, &run).await;
                drop(permit);
                if let Err(error) = &outcome {
                    tracing::debug!(%error, execution_id = %run.execution_id, "delivery failed");
                }
                record(&counts, outcome);
            });
            // Reap the finished ones so the set holds only what is in flight.
            while in_flight.try_join_next().is_some() {}
        }
        while in_flight.join_next().await.is_some() {}
    });
    Ok((
        DeliveryQueue {
            queue: Some(queue),
            counts,
        },
        task,
    ))
}

/// The HTTP client of the deliveries: rustls with the *ring* provider and the platform's
/// verifier (configured here, nothing process-wide), the delivery timeout, no redirects and
/// no proxy (a receiver under test is usually on loopback, and a proxy from the environment
/// must not stand in between).
fn http_client(timeout: Duration) -> Result<reqwest::Client, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls_error = |error: rustls::Error| format!("cannot configure TLS for deliveries: {error}");
    let verifier =
        rustls_platform_verifier::Verifier::new(Arc::clone(&provider)).map_err(tls_error)?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|error| format!("cannot build the delivery client: {error}"))
}

/// Returns the URL's path and query: what a receiver reads as the request target (Node's
/// `request.url`, `http::request::Parts::uri`), so that `verify_parts` checks it without
/// configuration.
fn path_and_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Signs and sends one delivery.
async fn deliver(
    http: &reqwest::Client,
    target: &Target,
    signed_url: &str,
    run: &RunDelivery,
) -> Result<(), DeliveryError> {
    // Serializing strings, a date and a JSON value cannot fail; were it to, this delivery
    // fails, not the sandbox.
    let body =
        serde_json::to_vec(run).map_err(|error| DeliveryError::Transport(error.to_string()))?;
    let signature = target
        .key
        .sign(&signed_message("POST", signed_url, &body))?;
    let response = http
        .post(target.url.clone())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        // The headers Alloy's Custom API blocks attach.
        .header("x-alloy-workflowid", &run.workflow_id)
        .header("x-alloy-userid", &run.user_id)
        .header("x-alloy-executionuuid", &run.execution_id)
        .body(body)
        .send()
        .await
        .map_err(|error| transport_error(error, target.timeout))?;
    let status = response.status();
    // Read the answer so the connection can be reused; its content does not matter.
    let _ = response.bytes().await;
    if status.is_success() {
        Ok(())
    } else {
        Err(DeliveryError::Status(status.as_u16()))
    }
}

fn transport_error(error: reqwest::Error, timeout: Duration) -> DeliveryError {
    if error.is_timeout() {
        return DeliveryError::TimedOut(timeout);
    }
    // The error and its causes, without the URL (the receiver's own, but a query may hold
    // something a log should not).
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    DeliveryError::Transport(message)
}

fn record(counts: &watch::Sender<Deliveries>, outcome: Result<(), DeliveryError>) {
    counts.send_modify(|counts| match outcome {
        Ok(()) => counts.delivered += 1,
        Err(error) => {
            counts.failed += 1;
            counts.last_error = Some(error);
        }
    });
}

impl SandboxState {
    /// Counts every pending delivery as failed ([`DeliveryError::Abandoned`]): the task that
    /// would have ended them is stopped.
    pub(crate) fn abandon_deliveries(&self) {
        self.shared.deliveries.counts.send_if_modified(|counts| {
            let pending = counts.pending();
            if pending == 0 {
                return false;
            }
            counts.failed += pending;
            counts.last_error = Some(DeliveryError::Abandoned);
            true
        });
    }

    /// Hands runs to delivery without waiting; does nothing when no delivery URL is set.
    pub(crate) fn deliver(&self, runs: Vec<RunDelivery>) {
        let deliveries = &self.shared.deliveries;
        let Some(queue) = &deliveries.queue else {
            return;
        };
        for run in runs {
            deliveries
                .counts
                .send_modify(|counts| counts.attempted += 1);
            if queue.try_send(run).is_err() {
                // Full, or the task is gone (the sandbox is shutting down).
                record(&deliveries.counts, Err(DeliveryError::QueueFull));
            }
        }
    }

    /// Returns the counts of the deliveries so far (all zero without a delivery URL).
    pub fn deliveries(&self) -> Deliveries {
        self.shared.deliveries.counts.borrow().clone()
    }

    /// Waits until no delivery is pending, and returns the counts then.
    ///
    /// Returns at once without a delivery URL. Every delivery ends, by an answer, an error
    /// or the delivery timeout, so this returns once the runs made so far are all delivered
    /// or failed.
    pub async fn settled_deliveries(&self) -> Deliveries {
        let mut counts = self.shared.deliveries.counts.subscribe();
        // The sender lives in the state this handle holds, so it is never dropped meanwhile.
        let settled = counts.wait_for(|counts| counts.pending() == 0).await;
        match settled {
            Ok(counts) => counts.clone(),
            Err(_) => self.deliveries(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_key_signs_what_its_published_pem_verifies() {
        let key = SigningKey::shipped().unwrap();
        // The verifier a receiver builds from the published PEM, not the sandbox's own copy.
        let verifier = SignatureVerifier::from_pem(key.verifier().public_key_pem()).unwrap();
        assert_eq!(verifier.key_bits(), 2048);
        let body = br#"{"executionId":"log_1"}"#;
        let header = key
            .sign(&signed_message("POST", "/hooks/alloy?x=1", body))
            .unwrap();
        let verified = verifier
            .verify("POST", "/hooks/alloy?x=1", body, &header)
            .unwrap();
        assert_eq!(verified.encoding(), Encoding::Hex);
        assert_eq!(verified.padding(), alloy_api::signature::Padding::Pkcs1v15);
        assert!(
            verifier
                .verify("POST", "/hooks/alloy?x=2", body, &header)
                .is_err(),
            "the URL is covered"
        );
    }

    #[test]
    fn a_key_file_without_a_private_key_is_refused() {
        assert!(SigningKey::from_pem("# only words").is_err());
        let public = SigningKey::shipped().unwrap();
        let error = SigningKey::from_pem(public.verifier().public_key_pem())
            .err()
            .unwrap();
        assert!(error.contains("PUBLIC KEY"), "{error}");
    }

    #[test]
    fn the_signed_url_is_the_path_and_query() {
        let url = parse_url("http://127.0.0.1:3000/hooks/a%20b?tenant=1&x=y").unwrap();
        assert_eq!(path_and_query(&url), "/hooks/a%20b?tenant=1&x=y");
        let url = parse_url("https://example.com").unwrap();
        assert_eq!(path_and_query(&url), "/");
    }

    #[test]
    fn delivery_urls_are_checked() {
        for good in ["http://127.0.0.1:1/", "https://example.com/hooks?x=1"] {
            assert!(parse_url(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/hooks",
            "mailto:a@example.com",
            "file:///tmp/x",
            "http://u:p@example.com/",
            "http://example.com/#x",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        let error = parse_url("http://user:hunter2@example.com/").unwrap_err();
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn pending_never_underflows() {
        let counts = Deliveries {
            attempted: 1,
            delivered: 1,
            failed: 1,
            last_error: None,
        };
        assert_eq!(counts.pending(), 0);
    }
}

//! A capture of everything the client logs, for tests that read it.

use std::io;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tracing_subscriber::fmt::MakeWriter;

/// Everything logged through the global subscriber of [`capture`], as formatted text.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn lock(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.lock()).into_owned()
    }
}

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Returns the capture every test of the calling test binary logs to, at TRACE.
///
/// Global, and to be called by every test of the binary before it does anything else:
/// tracing caches per call site whether anyone listens, and a subscriber set for one thread
/// while other threads register the same call sites can miss their events. Run a test's calls
/// in [`case`] to tell its lines apart.
pub fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let capture = Capture::default();
        // The test servers (`FaultServer`) log nothing: everything captured is the client's
        // and its HTTP stack's.
        let layer = tracing_subscriber::fmt::layer().with_writer(capture.clone());
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        capture
    })
}

/// Runs `call` inside the span `case{id}`, so its log lines carry `case{id="..."}`.
pub async fn case<F: Future>(id: &str, call: F) -> F::Output {
    use tracing::Instrument;
    call.instrument(tracing::info_span!("case", id)).await
}

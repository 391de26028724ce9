//! Logs (Alloy's *Logs* reference).

use crate::models::{DEFAULT_LOGS_PAGE, LogEntry, LogPage, LogQuery};
use crate::paginate::{Page, Paginated};
use crate::{Error, Result, Transport, api_endpoint};

/// Logs: the account-wide log feed of every workflow of every user (Alloy's *Logs*
/// reference).
///
/// Implemented for every [`Transport`]; `use alloy_api::prelude::*;` brings it in scope with
/// the other operations. Every returned future is `Send`.
pub trait LogsApi: Transport {
    /// Retrieves one page of the log feed of all workflows
    /// (`GET /logs?filters=&workflowId=&associatedUserId=&skip=&limit=&sortBy=&sortOrder=`):
    /// `query` holds typed filters, the offset, page size and order. To read every page, use
    /// [`logs`](Self::logs).
    #[api_endpoint(method = "GET", path = "/logs")]
    async fn list_logs(&self, #[query(flatten)] query: &LogQuery) -> Result<LogPage>;

    /// Walks every entry of the log feed that `query` selects, from its offset (0 when
    /// unset), [`DEFAULT_LOGS_PAGE`] entries a page unless `query` sets the page size: a
    /// lazy [`Paginated`] stream that fetches a page only when the entries before it are
    /// used up, and ends after a page with fewer entries than asked for, or once the
    /// server's `totalItems` are read.
    ///
    /// The walk borrows `self`; [`into_logs`](Self::into_logs) is the same walk owning a
    /// clone of the client, to move to another task. An offset past `u64::MAX` (a `skip`
    /// near it) ends the walk with [`Error::InvalidArgument`](crate::Error::InvalidArgument)
    /// rather than wrapping around; [`Paginated`] says how a walk ends when the server's
    /// pages do not advance.
    fn logs(&self, query: LogQuery) -> Paginated<'_, LogEntry> {
        walk_logs(self, query)
    }

    /// Walks every entry of the log feed that `query` selects, as [`logs`](Self::logs)
    /// does, owning the client (a cheap clone of a [`Client`](crate::Client)): the walk is
    /// `'static`, so it can be moved into `tokio::spawn`.
    fn into_logs(self, query: LogQuery) -> Paginated<'static, LogEntry>
    where
        Self: Sized + Clone + 'static,
    {
        walk_logs(self, query)
    }
}

/// The walk of [`LogsApi::logs`] over `api`, a borrowed or an owned transport that each page
/// clones (a reference, or a client's `Arc`).
fn walk_logs<'a, A>(api: A, query: LogQuery) -> Paginated<'a, LogEntry>
where
    A: LogsApi + Clone + 'a,
{
    let limit = query.limit.unwrap_or(DEFAULT_LOGS_PAGE);
    let first = query.skip.unwrap_or(0);
    let query = query.with_limit(limit);
    Paginated::new(
        first,
        |entry: &LogEntry| entry.id.as_deref(),
        move |skip| {
            let query = query.clone().with_skip(skip);
            let api = api.clone();
            Box::pin(async move {
                let page = api.list_logs(&query).await?;
                let count = page.notifications.len();
                // A full page means there may be more, unless the server's total says the
                // feed ends here.
                let full = count >= limit as usize;
                let next = match u64::try_from(count).ok().and_then(|n| skip.checked_add(n)) {
                    None if full => Err(Error::invalid_argument(
                        "query",
                        format!(
                            "the offset of the next page overflows: skip {skip} + {count} entries"
                        ),
                    )),
                    None => Ok(None),
                    Some(read) => Ok((full
                        && page
                            .pagination
                            .get()
                            .and_then(|p| p.total_items.get().copied())
                            .is_none_or(|total| read < total))
                    .then_some(read)),
                };
                Ok(Page {
                    items: page.notifications,
                    next,
                })
            })
        },
    )
}

impl<T: Transport + ?Sized> LogsApi for T {}

//! Logs (Alloy's *Logs* reference).

use crate::models::{DEFAULT_LOGS_PAGE, LogEntry, LogPage, LogQuery};
use crate::paginate::{Page, Paginated};
use crate::{Result, Transport, api_endpoint};

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
    fn logs(&self, query: LogQuery) -> Paginated<'_, LogEntry> {
        let limit = query.limit.unwrap_or(DEFAULT_LOGS_PAGE);
        let first = query.skip.unwrap_or(0);
        let query = query.with_limit(limit);
        Paginated::new(first, move |skip| {
            let query = query.clone().with_skip(skip);
            Box::pin(async move {
                let page = self.list_logs(&query).await?;
                let read = skip + page.notifications.len() as u64;
                let more = page.notifications.len() >= limit as usize
                    && page
                        .pagination
                        .get()
                        .and_then(|p| p.total_items.get().copied())
                        .is_none_or(|total| read < total);
                Ok(Page {
                    items: page.notifications,
                    next: more.then_some(read),
                })
            })
        })
    }
}

impl<T: Transport + ?Sized> LogsApi for T {}

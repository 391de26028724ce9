//! Lazy walks over paginated lists.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::Result;

/// One fetched page: its items, and where the next page starts, or `None` after the last.
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next: Option<u64>,
}

type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>>> + Send + 'a>>;
type Fetch<'a, T> = Box<dyn FnMut(u64) -> PageFuture<'a, T> + Send + 'a>;

/// Every item of a paginated list, one page fetched at a time: a [`Stream`] of
/// `Result<T>`.
///
/// Lazy: nothing is sent until the first item is asked for, and a page is fetched only once
/// the items of the page before it have all been taken. The walk ends after the last page
/// (one with fewer items than asked for, or none). A failed page is yielded as one `Err`
/// item after every item before it, and ends the walk: nothing already fetched is lost, and
/// nothing is skipped silently. Each page is one call, with the client's retries.
///
/// Use it as any `Stream` (with `futures::StreamExt`, say), or without another crate through
/// [`next`](Self::next) and [`try_collect`](Self::try_collect):
///
/// ```no_run
/// # async fn walk(client: alloy_api::Client) -> alloy_api::Result<()> {
/// use alloy_api::models::WorkflowLogsQuery;
/// use alloy_api::prelude::*;
///
/// let mut logs = client.workflow_logs("wf_1", WorkflowLogsQuery::new().with_user_id("usr_1"));
/// while let Some(log) = logs.next().await {
///     println!("{}", log?.log_id);
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a walk does nothing until its items are asked for"]
pub struct Paginated<'a, T> {
    fetch: Fetch<'a, T>,
    // Where the next page starts; `None` once the last page (or an error) was seen.
    next: Option<u64>,
    pending: Option<PageFuture<'a, T>>,
    items: VecDeque<T>,
    pages: u64,
}

impl<'a, T> Paginated<'a, T> {
    /// Walks the pages `fetch` returns, the first starting at `first`.
    pub(crate) fn new(first: u64, fetch: impl FnMut(u64) -> PageFuture<'a, T> + Send + 'a) -> Self {
        Self {
            fetch: Box::new(fetch),
            next: Some(first),
            pending: None,
            items: VecDeque::new(),
            pages: 0,
        }
    }

    /// Returns how many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages
    }

    /// Returns the next item, fetching the next page if the fetched ones are used up;
    /// `None` once the walk is over. The same as `StreamExt::next`.
    pub async fn next(&mut self) -> Option<Result<T>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Fetches every remaining page and returns all their items, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<T> Stream for Paginated<'_, T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let pending = match &mut this.pending {
                Some(pending) => pending,
                None => match this.next {
                    Some(start) => this.pending.insert((this.fetch)(start)),
                    None => return Poll::Ready(None),
                },
            };
            let page = match pending.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            this.pending = None;
            this.pages += 1;
            match page {
                Ok(page) => {
                    this.next = page.next;
                    this.items.extend(page.items);
                }
                Err(error) => {
                    this.next = None;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = self.next.is_none().then_some(self.items.len());
        (self.items.len(), upper)
    }
}

// No field is ever pinned: the page future is boxed.
impl<T> Unpin for Paginated<'_, T> {}

impl<T> fmt::Debug for Paginated<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginated")
            .field("next", &self.next)
            .field("buffered", &self.items.len())
            .field("pages_fetched", &self.pages)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::Error;

    /// Pages of `sizes` items (numbered on), fetched by a page number starting at 1; the
    /// page numbered `fail` answers an error. Records which pages were fetched.
    fn walk(
        sizes: &'static [usize],
        limit: usize,
        fail: Option<u64>,
    ) -> (Paginated<'static, usize>, Arc<Mutex<Vec<u64>>>) {
        let fetched = Arc::new(Mutex::new(Vec::new()));
        let log = fetched.clone();
        let walk = Paginated::new(1, move |page| {
            log.lock().unwrap().push(page);
            Box::pin(async move {
                if Some(page) == fail {
                    return Err(Error::invalid_argument("page", "boom"));
                }
                let index = usize::try_from(page - 1).unwrap();
                let size = sizes.get(index).copied().unwrap_or(0);
                let first: usize = sizes[..index.min(sizes.len())].iter().sum();
                Ok(Page {
                    items: (first..first + size).collect(),
                    next: (size == limit).then_some(page + 1),
                })
            })
        });
        (walk, fetched)
    }

    #[tokio::test]
    async fn nothing_is_fetched_before_the_first_item_is_asked_for() {
        let (mut walk, fetched) = walk(&[2, 2, 1], 2, None);
        assert!(fetched.lock().unwrap().is_empty());
        assert_eq!(walk.next().await.unwrap().unwrap(), 0);
        assert_eq!(*fetched.lock().unwrap(), [1]);
        assert_eq!(walk.next().await.unwrap().unwrap(), 1);
        assert_eq!(
            *fetched.lock().unwrap(),
            [1],
            "page 2 only when page 1 is used up"
        );
        assert_eq!(walk.next().await.unwrap().unwrap(), 2);
        assert_eq!(*fetched.lock().unwrap(), [1, 2]);
    }

    #[tokio::test]
    async fn every_item_of_every_page_once_then_the_end() {
        let (walk, fetched) = walk(&[3, 3, 1], 3, None);
        assert_eq!(
            walk.try_collect().await.unwrap(),
            (0..7).collect::<Vec<_>>()
        );
        assert_eq!(*fetched.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_full_last_page_costs_one_empty_page() {
        let (walk, fetched) = walk(&[2, 2], 2, None);
        assert_eq!(walk.try_collect().await.unwrap(), [0, 1, 2, 3]);
        assert_eq!(*fetched.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn no_items_is_one_page_and_the_end() {
        let (mut walk, fetched) = walk(&[], 5, None);
        assert!(walk.next().await.is_none());
        assert!(walk.next().await.is_none(), "stays ended");
        assert_eq!(*fetched.lock().unwrap(), [1]);
    }

    #[tokio::test]
    async fn an_error_comes_after_the_items_before_it_and_ends_the_walk() {
        let (mut walk, fetched) = walk(&[2, 2, 2], 2, Some(2));
        assert_eq!(walk.next().await.unwrap().unwrap(), 0);
        assert_eq!(walk.next().await.unwrap().unwrap(), 1);
        let error = walk.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { name: "page", .. }));
        assert!(walk.next().await.is_none());
        assert_eq!(*fetched.lock().unwrap(), [1, 2]);
        assert_eq!(walk.pages_fetched(), 2);
    }

    #[test]
    fn walks_are_send() {
        fn send<T: Send>(_: &T) {}
        let (walk, _) = walk(&[1], 1, None);
        send(&walk);
    }
}

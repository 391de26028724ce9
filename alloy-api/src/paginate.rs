//! Lazy walks over paginated lists.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::{Error, PaginationKind, Result};

/// One fetched page: its items, and where the next page starts (`Ok(None)` after the last;
/// `Err` when the next page cannot be asked for, an error that follows the page's items).
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next: Result<Option<u64>>,
}

pub(crate) type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>>> + Send + 'a>>;
type Fetch<'a, T> = Box<dyn FnMut(u64) -> PageFuture<'a, T> + Send + 'a>;

/// The identity of an item, compared between the first items of consecutive pages.
pub(crate) type Key<T> = fn(&T) -> Option<&str>;

/// Every item of a paginated list, one page fetched at a time: a [`Stream`] of
/// `Result<T>`.
///
/// Lazy: nothing is sent until the first item is asked for, and a page is fetched only once
/// the items of the page before it have all been taken. The walk ends after the last page
/// (one with fewer items than asked for, or none). A failed page is yielded as one `Err`
/// item after every item before it, and ends the walk: nothing already fetched is lost, and
/// nothing is skipped silently. Each page is one call, with the client's retries.
///
/// A walk cannot run forever, whatever the server answers:
/// - a page whose first item is the first item of the page before it (a server that
///   ignores the offset and answers the same page again) ends the walk with
///   [`Error::Pagination`] of kind [`PaginationKind::NoProgress`], after every item before
///   it;
/// - at most [`DEFAULT_MAX_PAGES`](Self::DEFAULT_MAX_PAGES) pages (10 000) are fetched, or
///   the number [`with_max_pages`](Self::with_max_pages) sets; a walk that would need
///   another page ends with [`Error::Pagination`] of kind [`PaginationKind::TooManyPages`],
///   after every item of the pages fetched.
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
///
/// The walks that borrow the client (`logs`, `workflow_logs`) live as long as the borrow.
/// Their owning forms (`into_logs`, `into_workflow_logs`) take a clone of the client and
/// return a `Paginated<'static, _>`, which can be moved to another task:
///
/// ```no_run
/// # async fn walk(client: alloy_api::Client) -> alloy_api::Result<()> {
/// use alloy_api::models::LogQuery;
/// use alloy_api::prelude::*;
///
/// let walk = client.clone().into_logs(LogQuery::new());
/// let entries = tokio::spawn(walk.try_collect()).await.expect("the task ran")?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a walk does nothing until its items are asked for"]
pub struct Paginated<'a, T> {
    fetch: Fetch<'a, T>,
    key: Key<T>,
    // Where the next page starts; `None` once the last page (or an error) was seen.
    next: Option<u64>,
    pending: Option<PageFuture<'a, T>>,
    items: VecDeque<T>,
    // An error that comes after the buffered items, and ends the walk.
    then: Option<Error>,
    // The key of the first item of the last page fetched.
    first: Option<String>,
    pages: u64,
    max_pages: u64,
}

impl<'a, T> Paginated<'a, T> {
    /// The number of pages a walk fetches at most, unless
    /// [`with_max_pages`](Self::with_max_pages) says otherwise: 10 000.
    pub const DEFAULT_MAX_PAGES: u64 = 10_000;

    /// Walks the pages `fetch` returns, the first starting at `first`; `key` identifies an
    /// item, to tell a page that repeats the one before it.
    pub(crate) fn new(
        first: u64,
        key: Key<T>,
        fetch: impl FnMut(u64) -> PageFuture<'a, T> + Send + 'a,
    ) -> Self {
        Self {
            fetch: Box::new(fetch),
            key,
            next: Some(first),
            pending: None,
            items: VecDeque::new(),
            then: None,
            first: None,
            pages: 0,
            max_pages: Self::DEFAULT_MAX_PAGES,
        }
    }

    /// Sets how many pages the walk fetches at most (counting those already fetched), for a
    /// list longer than [`DEFAULT_MAX_PAGES`](Self::DEFAULT_MAX_PAGES) pages, or to bound a
    /// walk more tightly. A walk that would need more ends with [`Error::Pagination`] of
    /// kind [`PaginationKind::TooManyPages`] after the items of the pages it fetched.
    pub fn with_max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages;
        self
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

    /// Takes in a fetched page: its items, unless it repeats the page before it, and where
    /// the walk goes next.
    fn receive(&mut self, page: Page<T>) {
        let first = page.items.first().and_then(self.key);
        if first.is_some() && first == self.first.as_deref() {
            // The server answered the page before again (it ignores the offset, say): its
            // items were all yielded already, and asking on would get the same page forever.
            self.next = None;
            self.then = Some(Error::Pagination {
                kind: PaginationKind::NoProgress,
                pages: self.pages,
            });
            return;
        }
        self.first = first.map(str::to_owned);
        self.items.extend(page.items);
        match page.next {
            Ok(Some(_)) if self.pages >= self.max_pages => {
                self.next = None;
                self.then = Some(Error::Pagination {
                    kind: PaginationKind::TooManyPages,
                    pages: self.pages,
                });
            }
            Ok(next) => self.next = next,
            Err(error) => {
                self.next = None;
                self.then = Some(error);
            }
        }
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
            if let Some(error) = this.then.take() {
                return Poll::Ready(Some(Err(error)));
            }
            let pending = match &mut this.pending {
                Some(pending) => pending,
                None => match this.next {
                    // A cap of 0 pages: not even the first.
                    Some(_) if this.pages >= this.max_pages => {
                        this.next = None;
                        return Poll::Ready(Some(Err(Error::Pagination {
                            kind: PaginationKind::TooManyPages,
                            pages: this.pages,
                        })));
                    }
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
                Ok(page) => this.receive(page),
                Err(error) => {
                    this.next = None;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let extra = usize::from(self.then.is_some());
        let upper = self.next.is_none().then_some(self.items.len() + extra);
        (self.items.len() + extra, upper)
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
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::Error;

    // A walk's key function takes `&T`, here `&String`.
    #[allow(clippy::ptr_arg)]
    fn key(item: &String) -> Option<&str> {
        Some(item)
    }

    /// Pages of `sizes` items (numbered on), fetched by a page number starting at 1; the
    /// page numbered `fail` answers an error. Records which pages were fetched.
    fn walk(
        sizes: &'static [usize],
        limit: usize,
        fail: Option<u64>,
    ) -> (Paginated<'static, String>, Arc<Mutex<Vec<u64>>>) {
        let fetched = Arc::new(Mutex::new(Vec::new()));
        let log = fetched.clone();
        let walk = Paginated::new(1, key, move |page| {
            log.lock().unwrap().push(page);
            Box::pin(async move {
                if Some(page) == fail {
                    return Err(Error::invalid_argument("page", "boom"));
                }
                let index = usize::try_from(page - 1).unwrap();
                let size = sizes.get(index).copied().unwrap_or(0);
                let first: usize = sizes[..index.min(sizes.len())].iter().sum();
                Ok(Page {
                    items: numbers(first..first + size),
                    next: Ok((size == limit).then_some(page + 1)),
                })
            })
        });
        (walk, fetched)
    }

    fn numbers(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|i| i.to_string()).collect()
    }

    /// A walk whose every page is `page(n)` for the page number `n`, and always says there
    /// is another.
    fn endless(page: fn(u64) -> Vec<String>) -> Paginated<'static, String> {
        Paginated::new(1, key, move |n| {
            Box::pin(async move {
                Ok(Page {
                    items: page(n),
                    next: Ok(Some(n + 1)),
                })
            })
        })
    }

    #[tokio::test]
    async fn nothing_is_fetched_before_the_first_item_is_asked_for() {
        let (mut walk, fetched) = walk(&[2, 2, 1], 2, None);
        assert!(fetched.lock().unwrap().is_empty());
        assert_eq!(walk.next().await.unwrap().unwrap(), "0");
        assert_eq!(*fetched.lock().unwrap(), [1]);
        assert_eq!(walk.next().await.unwrap().unwrap(), "1");
        assert_eq!(
            *fetched.lock().unwrap(),
            [1],
            "page 2 only when page 1 is used up"
        );
        assert_eq!(walk.next().await.unwrap().unwrap(), "2");
        assert_eq!(*fetched.lock().unwrap(), [1, 2]);
    }

    #[tokio::test]
    async fn every_item_of_every_page_once_then_the_end() {
        let (walk, fetched) = walk(&[3, 3, 1], 3, None);
        assert_eq!(walk.try_collect().await.unwrap(), numbers(0..7));
        assert_eq!(*fetched.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_full_last_page_costs_one_empty_page() {
        let (walk, fetched) = walk(&[2, 2], 2, None);
        assert_eq!(walk.try_collect().await.unwrap(), numbers(0..4));
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
        assert_eq!(walk.next().await.unwrap().unwrap(), "0");
        assert_eq!(walk.next().await.unwrap().unwrap(), "1");
        let error = walk.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { name: "page", .. }));
        assert!(walk.next().await.is_none());
        assert_eq!(*fetched.lock().unwrap(), [1, 2]);
        assert_eq!(walk.pages_fetched(), 2);
    }

    #[tokio::test]
    async fn an_error_about_the_next_page_comes_after_the_items_of_this_one() {
        let mut walk = Paginated::new(1, key, |_| {
            Box::pin(async {
                Ok(Page {
                    items: numbers(0..2),
                    next: Err(Error::invalid_argument("query", "overflow")),
                })
            })
        });
        assert_eq!(walk.size_hint(), (0, None));
        assert_eq!(walk.next().await.unwrap().unwrap(), "0");
        assert_eq!(walk.size_hint(), (2, Some(2)), "an item and the error");
        assert_eq!(walk.next().await.unwrap().unwrap(), "1");
        let error = walk.next().await.unwrap().unwrap_err();
        assert!(matches!(
            error,
            Error::InvalidArgument { name: "query", .. }
        ));
        assert!(walk.next().await.is_none());
        assert_eq!(walk.pages_fetched(), 1);
    }

    #[tokio::test]
    async fn a_page_that_repeats_the_one_before_ends_the_walk_with_an_error() {
        // A server that ignores the offset: the same full page, whatever is asked.
        let mut walk = endless(|_| numbers(0..3));
        for expected in ["0", "1", "2"] {
            assert_eq!(walk.next().await.unwrap().unwrap(), expected);
        }
        let error = walk.next().await.unwrap().unwrap_err();
        assert!(
            matches!(
                error,
                Error::Pagination {
                    kind: PaginationKind::NoProgress,
                    pages: 2,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(walk.next().await.is_none(), "stays ended");
        assert_eq!(
            walk.pages_fetched(),
            2,
            "the repeat is the last page asked for"
        );
    }

    #[tokio::test]
    async fn items_without_a_key_are_never_taken_for_a_repeat() {
        let mut walk = Paginated::new(
            1,
            |_: &String| None,
            |n| {
                Box::pin(async move {
                    Ok(Page {
                        items: numbers(0..1),
                        next: Ok((n < 3).then_some(n + 1)),
                    })
                })
            },
        );
        let mut count = 0;
        while let Some(item) = walk.next().await {
            item.unwrap();
            count += 1;
        }
        assert_eq!(count, 3);
    }

    #[tokio::test]
    async fn a_walk_stops_at_its_cap_on_pages_with_an_error_after_their_items() {
        // New items on every page, and always another page: only the cap ends it.
        let walk = endless(|n| vec![n.to_string()]).with_max_pages(5);
        let mut walk = walk;
        for expected in ["1", "2", "3", "4", "5"] {
            assert_eq!(walk.next().await.unwrap().unwrap(), expected);
        }
        let error = walk.next().await.unwrap().unwrap_err();
        assert!(
            matches!(
                error,
                Error::Pagination {
                    kind: PaginationKind::TooManyPages,
                    pages: 5,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(walk.next().await.is_none());
        assert_eq!(walk.pages_fetched(), 5);
    }

    #[tokio::test]
    async fn a_walk_whose_last_page_is_the_cap_ends_without_an_error() {
        let (walk, fetched) = walk(&[2, 1], 2, None);
        assert_eq!(
            walk.with_max_pages(2).try_collect().await.unwrap(),
            numbers(0..3)
        );
        assert_eq!(*fetched.lock().unwrap(), [1, 2]);
    }

    #[tokio::test]
    async fn a_cap_of_no_pages_fetches_nothing() {
        let (walk, fetched) = walk(&[2, 1], 2, None);
        let error = walk.with_max_pages(0).try_collect().await.unwrap_err();
        assert!(matches!(
            error,
            Error::Pagination {
                kind: PaginationKind::TooManyPages,
                pages: 0,
                ..
            }
        ));
        assert!(fetched.lock().unwrap().is_empty());
    }

    #[test]
    fn the_default_cap_is_the_documented_one() {
        let (walk, _) = walk(&[1], 1, None);
        assert_eq!(Paginated::<String>::DEFAULT_MAX_PAGES, 10_000);
        assert_eq!(walk.max_pages, 10_000);
    }

    #[test]
    fn walks_are_send() {
        fn send<T: Send>(_: &T) {}
        let (walk, _) = walk(&[1], 1, None);
        send(&walk);
    }
}

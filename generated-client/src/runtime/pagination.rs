//! Paginated list endpoints (page numbers or next-page tokens), as single pages or as one
//! stream of items.

use futures::StreamExt;
use futures::stream::BoxStream;

use super::error::{Error, Result};

/// One page of a paginated list.
///
/// Iterate over it directly (`for item in page`, or `for item in &page` to keep it), or use
/// [`items`](Self::items) for the `Vec`.
///
/// ```
/// use prolinksqr::Page;
///
/// let page = Page::new(vec!["a", "b"], 1, 3);
/// for item in &page {
///     println!("{item}");
/// }
/// assert_eq!(page.next_page(), Some(2));
/// let all: Vec<&str> = page.into_iter().collect();
/// assert_eq!(all, ["a", "b"]);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// This page's number (1-based, as the server reports it).
    pub current_page: i64,
    /// How many pages the list has in total.
    pub total_pages: i64,
}

impl<T> Page<T> {
    /// A page holding `items`, number `current_page` of `total_pages`, e.g. to stand in for
    /// the API in a test.
    pub fn new(items: Vec<T>, current_page: i64, total_pages: i64) -> Self {
        Page {
            items,
            current_page,
            total_pages,
        }
    }

    /// How many items this page holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether this page holds no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items, by reference.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The items, by mutable reference.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        self.current_page < self.total_pages
    }

    /// The number of the next page, if there is one.
    pub fn next_page(&self) -> Option<i64> {
        self.has_next().then(|| self.current_page + 1)
    }
}

/// A page as JSON: `{"items": [..], "current_page": 1, "total_pages": 3}`.
impl<T: serde::Serialize> serde::Serialize for Page<T> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut page = serializer.serialize_struct("Page", 3)?;
        page.serialize_field("items", &self.items)?;
        page.serialize_field("current_page", &self.current_page)?;
        page.serialize_field("total_pages", &self.total_pages)?;
        page.end()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Page<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

/// The items of a stream of pages, in order: a page is fetched only once every item of
/// the previous one has been taken.
pub(super) fn items_of<P, T>(pages: BoxStream<'static, Result<P>>) -> BoxStream<'static, Result<T>>
where
    P: IntoIterator<Item = T> + Send + 'static,
    P::IntoIter: Send,
    T: Send + 'static,
{
    pages
        .flat_map(|page| match page {
            Ok(page) => futures::stream::iter(page.into_iter().map(Ok)).left_stream(),
            Err(err) => futures::stream::once(async { Err(err) }).right_stream(),
        })
        .boxed()
}

/// How many pages one stream fetches unless the client says otherwise
/// ([`ClientBuilder::max_pages`](super::ClientBuilder::max_pages)): a list of 10,000 pages
/// is far beyond what a person pages through, and a server that never says "last page"
/// must not keep a program fetching forever.
pub(crate) const DEFAULT_MAX_PAGES: u64 = 10_000;

/// A fingerprint of a page's items, to notice a server that serves the same page again
/// (e.g. one that ignores the page number): a hash of their JSON, computed without
/// building it. `None` if they cannot be written as JSON (such a page is never "the same").
fn fingerprint<T: serde::Serialize>(items: &[T]) -> Option<u64> {
    use std::hash::Hasher;
    struct HashWriter<'a>(&'a mut std::hash::DefaultHasher);
    impl std::io::Write for HashWriter<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // `DefaultHasher::new()` always uses the same keys: equal pages hash equal.
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_writer(HashWriter(&mut hasher), items).ok()?;
    Some(hasher.finish())
}

/// Streams every item of a paginated list, fetching page after page from `start_page`.
///
/// Pages are fetched only when the consumer has taken every item of the previous one, so
/// at most one page is held in memory. The stream ends as [`paginate_pages`] says.
#[cfg(test)]
fn paginate<T, F, Fut>(start_page: i64, max_pages: u64, fetch: F) -> BoxStream<'static, Result<T>>
where
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    T: serde::Serialize + Send + 'static,
{
    items_of(paginate_pages(start_page, max_pages, fetch))
}

/// Streams the pages of a paginated list, fetching each when the consumer asks for it,
/// from `start_page`. Ends after `total_pages`, after an empty page (which is yielded),
/// before a page holding the same items as the one before it (a server that ignores the
/// page number: that page is not yielded), or right after yielding the first error. A
/// list that would go on past `max_pages` pages ends with [`Error::TooManyPages`] instead.
pub(super) fn paginate_pages<T, F, Fut>(
    start_page: i64,
    max_pages: u64,
    fetch: F,
) -> BoxStream<'static, Result<Page<T>>>
where
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    T: serde::Serialize + Send + 'static,
{
    struct Numbered<F> {
        fetch: F,
        /// The page to fetch next; `None` once the list is exhausted or failed.
        next: Option<i64>,
        fetched: u64,
        /// The [`fingerprint`] of the last page yielded.
        previous: Option<u64>,
    }
    let state = Numbered {
        fetch,
        next: Some(start_page),
        fetched: 0,
        previous: None,
    };
    futures::stream::unfold(state, move |mut state| async move {
        let requested = state.next.take()?;
        if state.fetched >= max_pages {
            return Some((Err(Error::TooManyPages { limit: max_pages }), state));
        }
        state.fetched += 1;
        match (state.fetch)(requested).await {
            Ok(page) => {
                let fingerprint = fingerprint(&page.items);
                if fingerprint.is_some() && fingerprint == state.previous {
                    return None;
                }
                state.previous = fingerprint;
                // Trust whichever page number is further along, so a server that echoes a
                // stale `currentPage` cannot make us loop forever.
                let served = page.current_page.max(requested);
                state.next = (!page.items.is_empty() && served < page.total_pages)
                    .then(|| served.saturating_add(1));
                Some((Ok(page), state))
            }
            Err(err) => Some((Err(err), state)),
        }
    })
    // Boxed so that callers can `.next().await` without pinning it themselves.
    .boxed()
}

/// Streams every item of a token-paginated list: each response carries the token of the next
/// page (`next_page`), which the next request sends back (`page_token`).
///
/// `fetch(token, first)` gets the page for `token` (`start` for the first call, which is
/// the only one with `first` set) and returns its items and the next token. The stream ends
/// after a page without a next token (or with an empty one), after a page that repeats the
/// token it was asked with (a server bug that would otherwise loop forever), or right after
/// yielding the first error; a list that would go on past `max_pages` pages ends with
/// [`Error::TooManyPages`] (tokens that go round in a circle). At most one page is held in
/// memory.
#[cfg(test)]
fn paginate_cursor<T, F, Fut>(
    start: Option<String>,
    max_pages: u64,
    fetch: F,
) -> BoxStream<'static, Result<T>>
where
    F: FnMut(Option<String>, bool) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<String>)>> + Send + 'static,
    T: Send + 'static,
{
    items_of(paginate_cursor_pages(start, max_pages, fetch))
}

/// Streams the pages of a token-paginated list, as [`paginate_cursor`] does their items:
/// `fetch(token, first)` returns the page (whatever the operation returns for one) and the
/// token of the next. Each page is fetched when the consumer asks for it.
pub(super) fn paginate_cursor_pages<P, F, Fut>(
    start: Option<String>,
    max_pages: u64,
    fetch: F,
) -> BoxStream<'static, Result<P>>
where
    F: FnMut(Option<String>, bool) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(P, Option<String>)>> + Send + 'static,
    P: Send + 'static,
{
    struct TokenCursor<F> {
        fetch: F,
        /// The token to ask with next; the outer `None` once the list is exhausted or failed.
        next: Option<Option<String>>,
        first: bool,
        fetched: u64,
    }
    let cursor = TokenCursor {
        fetch,
        next: Some(start),
        first: true,
        fetched: 0,
    };
    futures::stream::unfold(cursor, move |mut cursor| async move {
        let token = cursor.next.take()?;
        if cursor.fetched >= max_pages {
            return Some((Err(Error::TooManyPages { limit: max_pages }), cursor));
        }
        cursor.fetched += 1;
        let first = std::mem::replace(&mut cursor.first, false);
        match (cursor.fetch)(token.clone(), first).await {
            Ok((page, next)) => {
                let next = next.filter(|n| !n.is_empty() && Some(n) != token.as_ref());
                cursor.next = next.map(Some);
                Some((Ok(page), cursor))
            }
            Err(err) => Some((Err(err), cursor)),
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::StreamExt;

    use super::*;
    use crate::runtime::Error;

    const MAX: u64 = DEFAULT_MAX_PAGES;

    fn fake_pages(
        total: i64,
        log: Arc<Mutex<Vec<i64>>>,
    ) -> impl FnMut(i64) -> futures::future::Ready<Result<Page<i64>>> + Send {
        move |page| {
            log.lock().unwrap().push(page);
            futures::future::ready(Ok(Page {
                items: vec![page * 10, page * 10 + 1],
                current_page: page,
                total_pages: total,
            }))
        }
    }

    #[tokio::test]
    async fn yields_every_item_in_order_fetching_lazily() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let stream = paginate(1, MAX, fake_pages(3, log.clone()));
        futures::pin_mut!(stream);
        assert_eq!(stream.next().await.unwrap().unwrap(), 10);
        assert_eq!(*log.lock().unwrap(), [1]);
        let rest: Vec<i64> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(rest, [11, 20, 21, 30, 31]);
        assert_eq!(*log.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn stops_on_empty_page() {
        let stream = paginate(1, MAX, |page| async move {
            Ok(Page {
                items: if page == 1 { vec!["a"] } else { vec![] },
                current_page: page,
                total_pages: 10,
            })
        });
        let items: Vec<_> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(items, ["a"]);
    }

    #[tokio::test]
    async fn stale_current_page_does_not_loop() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let stream = paginate(1, MAX, move |page| {
            seen.lock().unwrap().push(page);
            async move {
                Ok(Page {
                    items: vec![page],
                    current_page: 1,
                    total_pages: 3,
                })
            }
        });
        let items: Vec<_> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(items, [1, 2, 3]);
        assert_eq!(*log.lock().unwrap(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn first_error_ends_the_stream() {
        let stream = paginate(1, MAX, |page| async move {
            if page == 2 {
                Err(Error::Config("boom".into()))
            } else {
                Ok(Page {
                    items: vec![page],
                    current_page: page,
                    total_pages: 5,
                })
            }
        });
        let results: Vec<_> = stream.collect().await;
        assert_eq!(results.len(), 2);
        assert_eq!(*results[0].as_ref().unwrap(), 1);
        assert!(results[1].is_err());
    }

    /// A server that claims `i64::MAX` pages and serves a new full page for every number:
    /// the stream fetches `max_pages` pages, then ends with an error instead of going on.
    #[tokio::test]
    async fn endless_pages_stop_at_the_limit_with_an_error() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let stream = paginate(1, 3, move |page| {
            seen.lock().unwrap().push(page);
            async move { Ok(Page::new(vec![page, -page], page, i64::MAX)) }
        });
        let results: Vec<_> = stream.collect().await;
        let items: Vec<i64> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .copied()
            .collect();
        assert_eq!(items, [1, -1, 2, -2, 3, -3]);
        assert_eq!(results.len(), 7);
        let err = results.last().unwrap().as_ref().unwrap_err();
        assert!(matches!(err, Error::TooManyPages { limit: 3 }), "{err:?}");
        assert!(err.to_string().contains("more than 3 pages"), "{err}");
        assert_eq!(*log.lock().unwrap(), [1, 2, 3]);
        // A list that ends exactly at the limit is not an error.
        let stream = paginate(
            1,
            3,
            |page| async move { Ok(Page::new(vec![page], page, 3)) },
        );
        let results: Vec<_> = stream.collect().await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(results.len(), 3);
    }

    /// A server that ignores the page number serves page 1 again and again: the stream ends
    /// at the first repeat, without yielding it.
    #[tokio::test]
    async fn a_repeated_page_ends_the_stream() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let stream = paginate_pages(1, MAX, move |page| {
            seen.lock().unwrap().push(page);
            async move { Ok(Page::new(vec!["a".to_owned(), "b".to_owned()], 1, i64::MAX)) }
        });
        let pages: Vec<_> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(pages.len(), 1);
        assert_eq!(*log.lock().unwrap(), [1, 2]);
        // Different items on every page: not a repeat.
        let stream = paginate(1, MAX, |page| async move {
            Ok(Page::new(vec![page % 2], page, 4))
        });
        let items: Vec<i64> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(items, [1, 0, 1, 0]);
    }

    /// Tokens that go round in a circle (a, b, a, b, ...) never repeat the token asked
    /// with: the page limit ends the stream.
    #[tokio::test]
    async fn circling_tokens_stop_at_the_limit() {
        let stream = paginate_cursor(None, 4, |token: Option<String>, _| async move {
            let next = if token.as_deref() == Some("a") {
                "b"
            } else {
                "a"
            };
            Ok((vec![token.unwrap_or_default()], Some(next.to_owned())))
        });
        let results: Vec<_> = stream.collect().await;
        assert_eq!(results.len(), 5);
        assert!(matches!(
            results.last().unwrap(),
            Err(Error::TooManyPages { limit: 4 })
        ));
    }

    #[tokio::test]
    async fn cursor_pages_follow_tokens_and_end_without_one() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let stream = paginate_cursor(None, MAX, move |token: Option<String>, first| {
            seen.lock().unwrap().push((token.clone(), first));
            async move {
                Ok(match token.as_deref() {
                    None => (vec![1, 2], Some("b".to_owned())),
                    Some("b") => (vec![3], Some("c".to_owned())),
                    _ => (vec![4], None),
                })
            }
        });
        let items: Vec<i32> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(items, [1, 2, 3, 4]);
        assert_eq!(
            *log.lock().unwrap(),
            [
                (None, true),
                (Some("b".to_owned()), false),
                (Some("c".to_owned()), false)
            ]
        );
    }

    #[tokio::test]
    async fn a_repeated_or_empty_token_ends_the_cursor_stream() {
        let stream = paginate_cursor(
            Some("a".to_owned()),
            MAX,
            |token: Option<String>, _| async move {
                Ok((vec![token.clone().unwrap_or_default()], token))
            },
        );
        let items: Vec<String> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(items, ["a"]);
        let stream = paginate_cursor(None, MAX, |_, _| async move {
            Ok((vec![1], Some(String::new())))
        });
        assert_eq!(stream.map(|r| r.unwrap()).collect::<Vec<_>>().await, [1]);
        let stream = paginate_cursor::<i32, _, _>(None, MAX, |_, _| async move {
            Err(Error::Config("boom".into()))
        });
        assert_eq!(stream.collect::<Vec<_>>().await.len(), 1);
    }

    #[tokio::test]
    async fn page_stream_yields_whole_pages_lazily() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut pages = paginate_pages(2, MAX, fake_pages(3, log.clone()));
        let first = pages.next().await.unwrap().unwrap();
        assert_eq!(first, Page::new(vec![20, 21], 2, 3));
        assert_eq!(*log.lock().unwrap(), [2]);
        let rest: Vec<Page<i64>> = pages.map(|r| r.unwrap()).collect().await;
        assert_eq!(rest, [Page::new(vec![30, 31], 3, 3)]);
        assert_eq!(*log.lock().unwrap(), [2, 3]);
    }

    #[tokio::test]
    async fn page_stream_yields_an_empty_page_then_ends() {
        let pages = paginate_pages(1, MAX, |page| async move {
            Ok(Page::<u8>::new(vec![], page, 9))
        });
        let pages: Vec<_> = pages.map(|r| r.unwrap()).collect().await;
        assert_eq!(pages, [Page::new(vec![], 1, 9)]);
    }

    #[tokio::test]
    async fn cursor_page_stream_yields_each_response() {
        let pages = paginate_cursor_pages(None, MAX, |token: Option<String>, _| async move {
            Ok(match token.as_deref() {
                None => ("first", Some("b".to_owned())),
                _ => ("second", None),
            })
        });
        let pages: Vec<&str> = pages.map(|r| r.unwrap()).collect().await;
        assert_eq!(pages, ["first", "second"]);
    }

    #[test]
    fn pages_iterate_owned_and_by_reference() {
        let mut page = Page::new(vec![1, 2], 1, 1);
        for item in &mut page {
            *item *= 10;
        }
        let borrowed: Vec<&i32> = (&page).into_iter().collect();
        assert_eq!(borrowed, [&10, &20]);
        assert_eq!((page.len(), page.is_empty()), (2, false));
        assert_eq!(page.iter().sum::<i32>(), 30);
        assert_eq!(page.into_iter().collect::<Vec<_>>(), [10, 20]);
    }

    #[test]
    fn page_navigation() {
        let page = Page {
            items: vec![()],
            current_page: 2,
            total_pages: 3,
        };
        assert!(page.has_next());
        assert_eq!(page.next_page(), Some(3));
        let last = Page {
            current_page: 3,
            ..page
        };
        assert!(!last.has_next());
        assert_eq!(last.next_page(), None);
    }
}

//! Importing any number of bulk records: [`Bulk::import`] sends them in chunks of at most
//! [`CHUNK_SIZE`] through `POST /bulk-generate` and says what became of each chunk.
//!
//! A bulk call creates links, so a chunk is **never retried**: a lost answer may mean the
//! links exist, and sending the chunk again would duplicate them. Each chunk ends in one
//! of three [`ChunkStatus`]es:
//!
//! - [`Created`](ChunkStatus::Created): the server answered 2xx.
//! - [`Failed`](ChunkStatus::Failed): the server refused the chunk with a 4xx, or it never
//!   left this machine (a connection that could not be made, an input the client refused):
//!   none of its links were created.
//! - [`Unknown`](ChunkStatus::Unknown): the chunk was sent, but no usable answer came back:
//!   a timeout, a connection closed before the answer, or **any 5xx** (a gateway's 502 or
//!   504 can come after the backend created the links). Check before sending it again.
//!
//! Chunks are sent one at a time, each only when the caller asks for the next one, so a
//! caller can record a chunk's outcome (and its own "about to send" note, with
//! [`Import::next_chunk`]) before the next is sent, and stops the import by no longer
//! asking.

use std::pin::Pin;
use std::time::Duration;

use futures::stream::{Fuse, Stream, StreamExt};

use crate::bulk::Bulk;
use crate::types::{
    BulkGenerateRequest, BulkGenerateResult, BulkProductRequest, BulkSmsRequest, BulkVcardRequest,
    BulkWebsiteRequest, LinkResult, ProductRecord, SmsRecord, VcardRecord, WebsiteRecord,
};
use crate::{Error, RetryPolicy};

/// The most records `POST /bulk-generate` takes in one call, and the size of every chunk
/// of an import but the last.
pub const CHUNK_SIZE: usize = 1200;

/// How long a chunk's call may take unless [`Import::chunk_timeout`] says otherwise.
pub const DEFAULT_CHUNK_TIMEOUT: Duration = Duration::from_secs(60);

/// A record that `POST /bulk-generate` accepts: [`WebsiteRecord`], [`ProductRecord`],
/// [`SmsRecord`] or [`VcardRecord`], or `(key, record)` to carry a key of your own (a line
/// number, a row id) through the import to each chunk's outcome.
pub trait BulkRecord {
    /// The body of one call for `records` (at most [`CHUNK_SIZE`] of them), putting every
    /// link in `folder_id` if one is given.
    fn request<'a>(
        records: impl Iterator<Item = &'a Self>,
        folder_id: Option<&str>,
    ) -> BulkGenerateRequest
    where
        Self: 'a;
}

macro_rules! bulk_record {
    ($($record:ty => $request:ident),* $(,)?) => {$(
        impl BulkRecord for $record {
            fn request<'a>(
                records: impl Iterator<Item = &'a Self>,
                folder_id: Option<&str>,
            ) -> BulkGenerateRequest {
                let mut body = $request::new(records.cloned().collect());
                body.folder_id = folder_id.map(str::to_owned);
                body.into()
            }
        }
    )*};
}

bulk_record! {
    WebsiteRecord => BulkWebsiteRequest,
    ProductRecord => BulkProductRequest,
    SmsRecord => BulkSmsRequest,
    VcardRecord => BulkVcardRequest,
}

impl<K, R: BulkRecord> BulkRecord for (K, R) {
    fn request<'a>(
        records: impl Iterator<Item = &'a Self>,
        folder_id: Option<&str>,
    ) -> BulkGenerateRequest
    where
        Self: 'a,
    {
        R::request(records.map(|(_, record)| record), folder_id)
    }
}

impl Bulk {
    /// Imports any number of records, in chunks of at most [`CHUNK_SIZE`], each sent once
    /// and never retried. Records are taken from `records` only as each chunk is made, so
    /// an iterator that reads a file keeps at most one chunk in memory.
    ///
    /// Nothing is sent until the returned [`Import`] is driven: [`Import::outcomes`] is a
    /// stream of each chunk's [`ChunkOutcome`]; [`Import::next_chunk`] hands over each
    /// chunk before it is sent.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use prolinksqr::bulk_import::ChunkStatus;
    /// use prolinksqr::types::WebsiteRecord;
    ///
    /// # async fn run(client: prolinksqr::Client) {
    /// let records = (1..=3000)
    ///     .map(|n| WebsiteRecord::new(format!("Link {n}"), format!("https://example.com/{n}")));
    /// let mut outcomes = client.bulk().import(records).folder_id("0c8f...e21").outcomes();
    /// while let Some(outcome) = outcomes.next().await {
    ///     let records = outcome.first..outcome.first + outcome.records.len();
    ///     match &outcome.status {
    ///         ChunkStatus::Created { .. } => println!("records {records:?}: created"),
    ///         ChunkStatus::Failed(e) => {
    ///             println!("records {records:?}: not created: {e}");
    ///             break; // nothing more is sent
    ///         }
    ///         ChunkStatus::Unknown(e) => {
    ///             println!("records {records:?}: check whether they exist: {e}");
    ///             break;
    ///         }
    ///         _ => break,
    ///     }
    /// }
    /// # }
    /// ```
    pub fn import<I>(&self, records: I) -> Import<futures::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator,
        I::Item: BulkRecord,
    {
        self.import_stream(futures::stream::iter(records))
    }

    /// [`Bulk::import`] for records that arrive as a [`Stream`] (read from a socket, a
    /// channel, an async file reader).
    pub fn import_stream<S>(&self, records: S) -> Import<S>
    where
        S: Stream,
        S::Item: BulkRecord,
    {
        Import {
            bulk: self.clone(),
            records: Box::pin(records.fuse()),
            folder_id: None,
            chunk_timeout: DEFAULT_CHUNK_TIMEOUT,
            next_index: 0,
            position: 0,
        }
    }
}

/// An import in progress, from [`Bulk::import`]: set its options, then drive it with
/// [`outcomes`](Import::outcomes) or [`next_chunk`](Import::next_chunk).
#[must_use = "an import sends nothing until it is driven with `.outcomes()` or `.next_chunk()`"]
pub struct Import<S> {
    bulk: Bulk,
    records: Pin<Box<Fuse<S>>>,
    folder_id: Option<String>,
    chunk_timeout: Duration,
    next_index: usize,
    position: usize,
}

impl<S> std::fmt::Debug for Import<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Import")
            .field("folder_id", &self.folder_id)
            .field("chunk_timeout", &self.chunk_timeout)
            .field("next_index", &self.next_index)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl<S> Import<S>
where
    S: Stream,
    S::Item: BulkRecord,
{
    /// Puts every link in the folder with this id.
    pub fn folder_id(mut self, folder_id: impl Into<String>) -> Self {
        self.folder_id = Some(folder_id.into());
        self
    }

    /// How long each chunk's call may take, from sending to the end of the answer
    /// ([`DEFAULT_CHUNK_TIMEOUT`] unless set). A chunk that runs out of time is
    /// [`Unknown`](ChunkStatus::Unknown): the client's retry policy never applies.
    pub fn chunk_timeout(mut self, timeout: Duration) -> Self {
        self.chunk_timeout = timeout;
        self
    }

    /// The next chunk, not yet sent: the next [`CHUNK_SIZE`] records (fewer at the end),
    /// or `None` once every record has been taken. Send it with [`Chunk::send`]; a chunk
    /// that is dropped instead is never sent.
    pub async fn next_chunk(&mut self) -> Option<Chunk<S::Item>> {
        let mut records = Vec::new();
        while records.len() < CHUNK_SIZE {
            match self.records.next().await {
                Some(record) => records.push(record),
                None => break,
            }
        }
        if records.is_empty() {
            return None;
        }
        let chunk = Chunk {
            bulk: self.bulk.clone(),
            folder_id: self.folder_id.clone(),
            chunk_timeout: self.chunk_timeout,
            index: self.next_index,
            first: self.position,
            records,
        };
        self.next_index += 1;
        self.position += chunk.records.len();
        Some(chunk)
    }

    /// Every chunk's outcome, in order. Each chunk is made and sent only when the stream
    /// is polled for its outcome: stop polling (drop the stream) and nothing more is sent.
    /// The stream is `Unpin` (`.next().await` needs no pinning), and `Send` when the
    /// records are.
    pub fn outcomes(self) -> impl Stream<Item = ChunkOutcome<S::Item>> + Unpin {
        Box::pin(futures::stream::unfold(self, |mut import| async move {
            let chunk = import.next_chunk().await?;
            Some((chunk.send().await, import))
        }))
    }
}

/// One chunk of an import, made but not sent (from [`Import::next_chunk`]).
#[derive(Debug)]
#[must_use = "a chunk is sent only by `.send().await`"]
pub struct Chunk<R> {
    bulk: Bulk,
    folder_id: Option<String>,
    chunk_timeout: Duration,
    /// The chunk's number in the import, from 0.
    pub index: usize,
    /// The position in the import's records of `records[0]`, from 0.
    pub first: usize,
    /// The chunk's records, in the order they were given (1 to [`CHUNK_SIZE`] of them).
    pub records: Vec<R>,
}

impl<R: BulkRecord> Chunk<R> {
    /// The body this chunk sends.
    pub fn request(&self) -> BulkGenerateRequest {
        R::request(self.records.iter(), self.folder_id.as_deref())
    }

    /// Sends the chunk, once, and tells what became of it.
    pub async fn send(self) -> ChunkOutcome<R> {
        let answer = self
            .bulk
            .generate(self.request())
            .timeout(self.chunk_timeout)
            // The policy's deadline also caps each attempt, so it follows the chunk's.
            .retry(RetryPolicy::none().deadline(self.chunk_timeout))
            .send()
            .await;
        let status = match answer {
            Ok(result) => ChunkStatus::Created {
                result: Some(result),
            },
            Err(error) => classify(error),
        };
        ChunkOutcome {
            index: self.index,
            first: self.first,
            records: self.records,
            status,
        }
    }
}

/// Whether a failed call's links may exist.
fn classify(error: Error) -> ChunkStatus {
    if error.status().is_some_and(|status| status.is_success()) {
        // The server did the work; only its answer could not be read.
        return ChunkStatus::Created { result: None };
    }
    let refused = match &error {
        Error::Api(api) => api.status.is_client_error(),
        // Checked or refused before a byte was sent.
        Error::InvalidInput(_) | Error::Config(_) => true,
        Error::Transport { .. } => error.is_connect(),
        _ => false,
    };
    if refused {
        ChunkStatus::Failed(error)
    } else {
        ChunkStatus::Unknown(error)
    }
}

/// What became of one chunk (from [`Import::outcomes`] or [`Chunk::send`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct ChunkOutcome<R> {
    /// The chunk's number in the import, from 0.
    pub index: usize,
    /// The position in the import's records of `records[0]`, from 0.
    pub first: usize,
    /// The records the chunk sent, in order.
    pub records: Vec<R>,
    /// Whether its links were created.
    pub status: ChunkStatus,
}

impl<R> ChunkOutcome<R> {
    /// The link the server made for each record, in the records' order: only when the
    /// chunk was created and the answer lists exactly one link per record (the API does
    /// not document this answer, so a list of another length cannot be matched to them).
    pub fn links(&self) -> Option<&[LinkResult]> {
        match &self.status {
            ChunkStatus::Created {
                result: Some(result),
            } => result
                .data
                .as_deref()
                .filter(|links| links.len() == self.records.len()),
            _ => None,
        }
    }
}

/// Whether a chunk's links were created.
#[derive(Debug)]
#[non_exhaustive]
pub enum ChunkStatus {
    /// The server answered 2xx: the links were created.
    Created {
        /// The decoded answer; `None` if a 2xx body could not be read (too large, cut
        /// off, not JSON), which does not undo the links.
        result: Option<BulkGenerateResult>,
    },
    /// Not created: the server refused the chunk with a 4xx, or it was never sent.
    Failed(Error),
    /// Sent, with no usable answer (a timeout, a lost connection, any 5xx): the links may
    /// or may not exist.
    Unknown(Error),
}

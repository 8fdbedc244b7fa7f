//! The `tracing` feature: one `request` span per operation call with its fields, a
//! `retrying` event per retry with the reason, and neither the credential nor a request body
//! anywhere in what a subscriber sees.
//!
//! A small capturing [`Layer`] records every span's fields (at creation and on each
//! `record`) and every event's fields, as text; the subscriber is the thread's default for
//! the test (`#[tokio::test]` runs on the current thread, the mock server on its own).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prolinksqr::types::{LinkResult, UpdateLinkRequest};
use prolinksqr::{Client, Error, RetryPolicy};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A well-formed key (`key-` + 32 characters), distinctive enough to search for.
const KEY: &str = "key-0123456789abcdef0123456789abcdef";

/// A value that only the request body holds.
const BODY_MARKER: &str = "Only-In-The-Body-7f3a";

/// Fields by name, as their `Debug` text (strings without quotes).
type Fields = BTreeMap<String, String>;

#[derive(Default)]
struct Captured {
    /// `(span name, fields)` in creation order, updated by `record`.
    spans: Vec<(String, Fields)>,
    /// `(index of the parent span in spans, fields)` of this crate's events.
    events: Vec<(Option<usize>, Fields)>,
    /// Fields of other crates' events (hyper's connection pool logs at `trace`).
    others: Vec<Fields>,
    /// The index in `spans` of each live span id.
    ids: BTreeMap<u64, usize>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

struct FieldVisitor<'a>(&'a mut Fields);

impl Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut FieldVisitor(&mut fields));
        let mut captured = self.0.lock().unwrap();
        let index = captured.spans.len();
        captured
            .spans
            .push((attrs.metadata().name().to_owned(), fields));
        captured.ids.insert(id.into_u64(), index);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        let mut captured = self.0.lock().unwrap();
        let index = captured.ids[&id.into_u64()];
        values.record(&mut FieldVisitor(&mut captured.spans[index].1));
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut FieldVisitor(&mut fields));
        let parent = ctx.event_span(event).map(|span| span.id().into_u64());
        let mut captured = self.0.lock().unwrap();
        if event.metadata().target().starts_with("prolinksqr::") {
            let parent = parent.map(|id| captured.ids[&id]);
            captured.events.push((parent, fields));
        } else {
            captured.others.push(fields);
        }
    }
}

impl Capture {
    /// Everything captured, other crates' events included, as one text to search.
    fn text(&self) -> String {
        let captured = self.0.lock().unwrap();
        format!(
            "{:?} {:?} {:?}",
            captured.spans, captured.events, captured.others
        )
    }

    /// What this crate recorded, as one text to search.
    fn own_text(&self) -> String {
        let captured = self.0.lock().unwrap();
        format!("{:?} {:?}", captured.spans, captured.events)
    }
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .retry(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("valid configuration")
}

fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_retried_call_is_one_span_with_a_retry_event_and_no_secret() {
    let server = MockServer::start().await;
    let expected_body = json!({ "name": BODY_MARKER });
    Mock::given(method("PUT"))
        .and(path("/links/summer-sale"))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .and(body_json(&expected_body))
        // The wait is then exactly the server's second, not a random backoff.
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/links/summer-sale"))
        .and(header("authorization", format!("Basic {KEY}").as_str()))
        .and(body_json(&expected_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": { "dynamic_link_id": "summer-sale", "name": BODY_MARKER }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);

    let capture = Capture::default();
    let subscriber = Registry::default().with(capture.clone());
    let link: LinkResult = {
        let _default = tracing::subscriber::set_default(subscriber);
        client
            .links()
            .update(
                "summer-sale",
                UpdateLinkRequest::new().with_name(BODY_MARKER),
            )
            .send()
            .await
            .unwrap()
    };
    assert_eq!(link.dynamic_link_id.as_deref(), Some("summer-sale"));

    let captured = capture.0.lock().unwrap();
    assert_eq!(captured.spans.len(), 1, "{:?}", captured.spans);
    let (name, span) = &captured.spans[0];
    assert_eq!(name, "request");
    let latency: u64 = span["latency_ms"].parse().expect("latency_ms is a number");
    assert!(
        latency >= 1000,
        "the wait is part of the latency: {latency}"
    );
    let mut span = span.clone();
    span.remove("latency_ms");
    assert_eq!(
        span,
        fields(&[
            ("operation", "updateLink"),
            ("method", "PUT"),
            ("path", "/links/{id}"),
            ("attempt", "2"),
            ("status", "200"),
        ])
    );
    assert_eq!(
        captured.events,
        [(
            Some(0),
            fields(&[
                ("message", "retrying"),
                ("attempt", "1"),
                ("reason", "status"),
                ("status", "503"),
                ("wait_ms", "1000"),
            ])
        )]
    );
    drop(captured);
    let text = capture.text();
    assert!(!text.contains(KEY), "the key was recorded: {text}");
    assert!(!text.contains(BODY_MARKER), "the body was recorded: {text}");
}

#[tokio::test]
async fn a_transport_retry_names_its_kind_not_the_url_and_a_failure_keeps_no_status() {
    // A port nothing listens on: every attempt is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder()
        .credential(KEY)
        .base_url(&base)
        .retry(
            RetryPolicy::new()
                .max_retries(1)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();

    let capture = Capture::default();
    let subscriber = Registry::default().with(capture.clone());
    let err = {
        let _default = tracing::subscriber::set_default(subscriber);
        client.links().get("summer-sale").send().await.unwrap_err()
    };
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");

    let captured = capture.0.lock().unwrap();
    assert_eq!(captured.spans.len(), 1, "{:?}", captured.spans);
    let span = &captured.spans[0].1;
    assert_eq!(span["operation"], "getLink");
    assert_eq!(span["method"], "GET");
    assert_eq!(span["attempt"], "2");
    assert!(
        !span.contains_key("status"),
        "no response, no status: {span:?}"
    );
    assert_eq!(captured.events.len(), 1, "{:?}", captured.events);
    let (parent, mut event) = captured.events[0].clone();
    assert_eq!(parent, Some(0));
    // A random backoff of at most 1 ms.
    let wait: u64 = event.remove("wait_ms").unwrap().parse().unwrap();
    assert!(wait <= 1, "{wait}");
    assert_eq!(
        event,
        fields(&[
            ("message", "retrying"),
            ("attempt", "1"),
            ("reason", "connect"),
        ])
    );
    drop(captured);
    let text = capture.text();
    assert!(!text.contains(KEY), "the key was recorded: {text}");
    let own = capture.own_text();
    assert!(!own.contains(&base), "the URL was recorded: {own}");
}

#[tokio::test]
async fn a_new_drift_is_a_debug_event_in_the_request_span_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/folders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{ "id": "f-1", "name": BODY_MARKER, "color": BODY_MARKER }]
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .credential(KEY)
        .base_url(server.uri())
        .record_drift(prolinksqr::drift::DriftLog::new())
        .build()
        .unwrap();
    let capture = Capture::default();
    let subscriber = Registry::default().with(capture.clone());
    {
        let _default = tracing::subscriber::set_default(subscriber);
        for _ in 0..2 {
            client.folders().list().send().await.unwrap();
        }
    }
    let captured = capture.0.lock().unwrap();
    assert_eq!(
        captured.events,
        [(
            Some(0),
            fields(&[
                ("message", "response differs from the API description"),
                ("operation", "listFolders"),
                ("status", "200"),
                ("pointer", "/data/*/color"),
                ("kind", "unknown field"),
            ])
        )],
        "one event, for the first response: the second's drift is not new"
    );
    drop(captured);
    assert!(!capture.text().contains(BODY_MARKER) && !capture.text().contains(KEY));
}

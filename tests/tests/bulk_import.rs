//! `client.bulk().import(records)` over HTTP, against wiremock (and a bare socket) on
//! 127.0.0.1: chunking, the exact requests, and each chunk's outcome, never retried.

use std::time::Duration;

use futures::StreamExt;
use prolinksqr::Client;
use prolinksqr::bulk_import::{ChunkOutcome, ChunkStatus};
use prolinksqr::types::{SmsRecord, WebsiteRecord};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "key-test";

fn client(uri: &str) -> Client {
    Client::builder()
        .credential(KEY)
        .base_url(uri)
        .build()
        .unwrap()
}

fn website(n: usize) -> WebsiteRecord {
    WebsiteRecord::new(format!("Link {n}"), format!("https://example.com/{n}"))
}

fn website_json(from: usize, to: usize) -> Vec<Value> {
    (from..=to)
        .map(|n| json!({"name": format!("Link {n}"), "url": format!("https://example.com/{n}")}))
        .collect()
}

/// Answers with one link per record, as the API does.
fn links_for(request: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let links: Vec<Value> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(
            |record| json!({"dynamic_link_id": format!("id-{}", record["name"].as_str().unwrap())}),
        )
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({ "data": links }))
}

async fn collect<R>(
    import: prolinksqr::bulk_import::Import<impl futures::Stream<Item = R>>,
) -> Vec<ChunkOutcome<R>>
where
    R: prolinksqr::bulk_import::BulkRecord,
{
    import.outcomes().collect().await
}

/// A mock API whose `POST /bulk-generate` answers with `response`.
async fn bulk_server(response: impl wiremock::Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bulk-generate"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn records_2500_go_as_1200_1200_100_with_the_exact_requests() {
    let server = bulk_server(links_for).await;

    let records = (1..=2500).map(website);
    let outcomes = collect(
        client(&server.uri())
            .bulk()
            .import(records)
            .folder_id("f-1"),
    )
    .await;

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let mut bodies = Vec::new();
    for request in &requests {
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.url.path(), "/bulk-generate");
        assert_eq!(request.url.query(), None);
        let header = |name: &str| request.headers.get(name).map(|v| v.to_str().unwrap());
        assert_eq!(header("authorization"), Some("Basic key-test"));
        assert_eq!(header("content-type"), Some("application/json"));
        bodies.push(serde_json::from_slice::<Value>(&request.body).unwrap());
    }
    assert_eq!(
        bodies,
        [
            json!({"type": "website", "folderId": "f-1", "data": website_json(1, 1200)}),
            json!({"type": "website", "folderId": "f-1", "data": website_json(1201, 2400)}),
            json!({"type": "website", "folderId": "f-1", "data": website_json(2401, 2500)}),
        ]
    );
    let sizes: Vec<usize> = bodies
        .iter()
        .map(|body| body["data"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [1200, 1200, 100]);

    let shape: Vec<(usize, usize, usize, bool)> = outcomes
        .iter()
        .map(|o| {
            let created = matches!(o.status, ChunkStatus::Created { result: Some(_) });
            (o.index, o.first, o.records.len(), created)
        })
        .collect();
    assert_eq!(
        shape,
        [
            (0, 0, 1200, true),
            (1, 1200, 1200, true),
            (2, 2400, 100, true)
        ]
    );
    assert_eq!(outcomes[2].records[99], website(2500));
    let links = outcomes[2].links().expect("one link per record");
    assert_eq!(links[99].dynamic_link_id.as_deref(), Some("id-Link 2500"));
}

#[tokio::test]
async fn keys_ride_along_and_next_chunk_comes_before_sending() {
    let server = bulk_server(links_for).await;
    let records = (0..1201).map(|n| (n + 2, SmsRecord::new(format!("S{n}"), "+15550100")));
    let mut import = client(&server.uri()).bulk().import(records);

    let chunk = import.next_chunk().await.unwrap();
    assert_eq!(
        (chunk.index, chunk.first, chunk.records.len()),
        (0, 0, 1200)
    );
    assert_eq!(chunk.records[0].0, 2);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        0,
        "a chunk is made before it is sent"
    );
    let outcome = chunk.send().await;
    assert!(outcome.links().is_some());
    let last = import.next_chunk().await.unwrap();
    assert_eq!((last.index, last.first), (1, 1200));
    assert_eq!(last.records[0].0, 1202);
    assert_eq!(
        serde_json::to_value(last.request()).unwrap(),
        json!({"type": "sms", "data": [{"name": "S1200", "phone": "+15550100"}]})
    );
    drop(last);
    assert!(import.next_chunk().await.is_none());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a dropped chunk is never sent"
    );
}

/// One chunk against `response`: its status, and how many calls the server saw.
async fn one_chunk(response: ResponseTemplate, timeout: Duration) -> (ChunkStatus, usize) {
    let server = bulk_server(response).await;
    let mut outcomes = collect(
        client(&server.uri())
            .bulk()
            .import([website(1), website(2)])
            .chunk_timeout(timeout),
    )
    .await;
    assert_eq!(outcomes.len(), 1);
    // Long enough for a retry, had there been one.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = server.received_requests().await.unwrap().len();
    (outcomes.remove(0).status, calls)
}

#[tokio::test]
async fn a_response_lost_to_the_timeout_is_unknown_and_not_retried() {
    let (status, calls) = one_chunk(
        ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
        Duration::from_millis(500),
    )
    .await;
    assert!(
        matches!(&status, ChunkStatus::Unknown(e) if e.is_timeout()),
        "{status:?}"
    );
    assert_eq!(calls, 1);
}

#[tokio::test]
async fn any_5xx_is_unknown_and_not_retried() {
    for code in [504, 502, 500, 503] {
        let (status, calls) = one_chunk(
            ResponseTemplate::new(code).set_body_json(json!({"message": "upstream"})),
            Duration::from_secs(10),
        )
        .await;
        assert!(
            matches!(&status, ChunkStatus::Unknown(e) if e.status().map(|s| s.as_u16()) == Some(code)),
            "{code}: {status:?}"
        );
        assert_eq!(calls, 1, "{code}");
    }
}

#[tokio::test]
async fn a_4xx_is_failed() {
    for code in [400, 429] {
        let (status, calls) = one_chunk(
            ResponseTemplate::new(code).set_body_json(json!({"message": "bad record"})),
            Duration::from_secs(10),
        )
        .await;
        assert!(
            matches!(&status, ChunkStatus::Failed(e) if e.status().map(|s| s.as_u16()) == Some(code)),
            "{code}: {status:?}"
        );
        assert_eq!(calls, 1);
    }
}

#[tokio::test]
async fn a_2xx_body_that_cannot_be_read_is_still_created() {
    let (status, _) = one_chunk(
        ResponseTemplate::new(200).set_body_string("not json"),
        Duration::from_secs(10),
    )
    .await;
    assert!(matches!(status, ChunkStatus::Created { .. }), "{status:?}");
}

#[tokio::test]
async fn a_connection_closed_after_the_request_is_unknown_and_not_retried() {
    use tokio::io::AsyncReadExt;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut connections = 0;
        // Every connection is read and closed without an answer; a retry would be a
        // second connection (or a second request) within the window.
        while let Ok(Ok((mut socket, _))) =
            tokio::time::timeout(Duration::from_secs(2), listener.accept()).await
        {
            connections += 1;
            let mut request = Vec::new();
            let mut buffer = [0; 65536];
            while !request.ends_with(b"}") {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            drop(socket);
        }
        connections
    });

    let outcomes = collect(client(&uri).bulk().import([website(1)])).await;

    assert_eq!(outcomes.len(), 1);
    assert!(
        matches!(&outcomes[0].status, ChunkStatus::Unknown(e) if e.status().is_none()),
        "{:?}",
        outcomes[0].status
    );
    assert_eq!(server.await.unwrap(), 1, "the chunk was sent once");
}

#[tokio::test]
async fn nothing_listening_is_failed_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);

    let outcomes = collect(client(&uri).bulk().import([website(1)])).await;

    assert!(
        matches!(&outcomes[0].status, ChunkStatus::Failed(e) if e.is_connect()),
        "{:?}",
        outcomes[0].status
    );
}

#[tokio::test]
async fn the_stream_sends_the_next_chunk_only_when_polled() {
    let server = bulk_server(ResponseTemplate::new(504)).await;
    let client = client(&server.uri());
    let mut outcomes = client.bulk().import((1..=2500).map(website)).outcomes();

    let first = outcomes.next().await.unwrap();
    assert!(matches!(first.status, ChunkStatus::Unknown(_)));
    drop(outcomes);

    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

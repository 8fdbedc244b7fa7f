//! `PROLINKSQR_DRIFT_LOG`: any program built on `from_env` records drift into that file,
//! written when the client goes away, owner-only, and merged with what it already holds. In
//! a test binary of its own, since it sets the process's environment.

use prolinksqr::Client;
use prolinksqr::drift::DriftLog;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_drift_log_variable_records_into_a_file_across_runs() {
    let server = MockServer::start().await;
    let body = json!({"data": [{"id": "f-1", "name": "Spring", "color": "blue"}]});
    Mock::given(method("GET"))
        .and(path("/folders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(2)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("drift-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("drift.json");
    // SAFETY: the only test of this binary; nothing else reads the environment meanwhile.
    unsafe {
        std::env::set_var("PROLINKSQR_API_KEY", "key-0123456789abcdef0123456789abcdef");
        std::env::set_var("PROLINKSQR_BASE_URL", server.uri());
        std::env::set_var("PROLINKSQR_DRIFT_LOG", &file);
    }
    for run in 1..=2 {
        let client = Client::from_env().unwrap();
        client.folders().list().send().await.unwrap();
        assert!(
            !file.exists() || run == 2,
            "written when the client goes away"
        );
        drop(client);
        let log = DriftLog::new();
        log.load(&file).unwrap();
        let records = log.records();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].pointer, "/data/*/color");
        assert_eq!(records[0].count, run);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("f-1") && !text.contains("blue") && !text.contains("key-"));
    server.verify().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

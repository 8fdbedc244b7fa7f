//! Configuration: defaults, validation, environment, and redaction.

use std::time::Duration;

use super::*;
use crate::runtime::api::KEYED;

/// What `Client::new` builds, for [`KEYED`].
fn keyed_client(key: &str) -> Client {
    ClientBuilder::for_api(&KEYED)
        .credential(key)
        .assemble(false)
        .unwrap()
}

const KEY: &str = "key-0123456789abcdef0123456789abcdef";

static OPEN_API: ApiInfo = ApiInfo {
    title: "Open",
    default_base_url: "",
    env_prefix: "OPENAPI",
    user_agent: "open-test/1",
    schemes: &[],
    public_operations: false,
    too_many_requests: crate::runtime::TooManyRequests::RateLimit,
    drift: "",
};

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "credential leaked: {text}");
    assert!(
        !text.contains("0123456789abcdef"),
        "credential leaked: {text}"
    );
}

#[test]
fn debug_never_shows_the_credential() {
    let builder = ClientBuilder::for_api(&KEYED).credential(KEY);
    let text = format!("{builder:?}");
    assert_no_key(&text);
    assert!(text.contains("***"), "{text}");
    let client = builder.build().unwrap();
    let text = format!("{client:?}");
    assert_no_key(&text);
    assert!(text.contains("https://api.example.test"), "{text}");
    assert_no_key(&format!("{:#?}", keyed_client(KEY)));
}

#[test]
fn defaults_come_from_api_info() {
    let client = keyed_client(KEY);
    assert_eq!(client.base_url(), KEYED.default_base_url);
    assert_eq!(client.inner.user_agent, KEYED.user_agent);
    assert_eq!(client.inner.timeout, Some(DEFAULT_TIMEOUT));
    assert_eq!(client.inner.retry, RetryPolicy::default());
    assert_eq!(client.inner.max_response_body, 64 * 1024 * 1024);
    let client = ClientBuilder::for_api(&KEYED)
        .credential(KEY)
        .max_response_body(10)
        .build()
        .unwrap();
    assert_eq!(client.inner.max_response_body, 10);
}

#[test]
fn base_url_is_normalised_and_validated() {
    let build = |url: &str| {
        ClientBuilder::for_api(&KEYED)
            .credential(KEY)
            .base_url(url)
            .build()
    };
    assert_eq!(
        build("http://127.0.0.1:8080/v1/").unwrap().base_url(),
        "http://127.0.0.1:8080/v1"
    );
    for bad in [
        "",
        "not a url",
        "ftp://127.0.0.1",
        "http://127.0.0.1/?a=1",
        "/links",
    ] {
        let err = build(bad).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
    }
}

#[test]
fn missing_or_unsendable_credential_is_rejected_without_echoing_it() {
    let err = ClientBuilder::for_api(&KEYED).build().unwrap_err();
    assert!(err.to_string().contains("KEYED_API_KEY"), "{err}");
    let err = ClientBuilder::for_api(&KEYED)
        .credential("")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));

    let bad = format!("{KEY}\nX-Injected: 1");
    let err = ClientBuilder::for_api(&KEYED)
        .credential(bad)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert_no_key(&err.to_string());
    assert_no_key(&format!("{err:?}"));
}

#[test]
fn auth_none_needs_no_credential() {
    let client = ClientBuilder::for_api(&OPEN_API)
        .base_url("http://127.0.0.1:1")
        .build();
    assert!(client.is_ok());
}

#[test]
fn invalid_user_agent_is_rejected() {
    let err = ClientBuilder::for_api(&KEYED)
        .credential(KEY)
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
}

#[test]
fn connect_timeout_conflicts_with_custom_http_client() {
    // `reqwest::Client::new()` needs a provider; run alone, no earlier test installed it.
    super::install_crypto_provider();
    let err = ClientBuilder::for_api(&KEYED)
        .credential(KEY)
        .http_client(reqwest::Client::new())
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("connect_timeout"), "{err}");
}

#[test]
fn env_lookup() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let api = &KEYED;

    let err = ClientBuilder::from_lookup(api, env(&[])).unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("KEYED_API_KEY")),
        "{err}"
    );
    let err = ClientBuilder::from_lookup(api, env(&[("KEYED_API_KEY", "  ")])).unwrap_err();
    assert!(matches!(err, Error::Config(_)));

    let client = ClientBuilder::from_lookup(api, env(&[("KEYED_API_KEY", "key-abc\n")])).unwrap();
    assert_eq!(client.base_url(), "https://api.example.test");
    assert_eq!(client.inner.credentials[0].as_ref().unwrap().0, "key-abc");

    let client = ClientBuilder::from_lookup(
        api,
        env(&[
            ("KEYED_API_KEY", "key-abc"),
            ("KEYED_BASE_URL", "http://127.0.0.1:9/"),
        ]),
    )
    .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
}

/// The drift-log variable turns recording on with the `drift` feature, and is refused
/// without it (recording was asked for, and would silently not happen).
#[test]
fn the_drift_log_variable_records_or_is_refused_without_the_feature() {
    let dir = std::env::temp_dir().join(format!("drift-var-{}", std::process::id()));
    let file = dir.join("drift.json");
    let file_text = file.display().to_string();
    let vars = [
        ("KEYED_API_KEY", "key-abc"),
        ("KEYED_DRIFT_LOG", file_text.as_str()),
    ];
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    };
    let built = ClientBuilder::from_lookup(&KEYED, lookup);
    #[cfg(feature = "drift")]
    {
        let client = built.unwrap();
        let recorder = client.inner.drift.as_ref().expect("recording is on");
        assert_eq!(recorder.file.as_deref(), Some(file.as_path()));
    }
    #[cfg(not(feature = "drift"))]
    {
        let err = built.unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("KEYED_DRIFT_LOG") && m.contains("`drift` feature")),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

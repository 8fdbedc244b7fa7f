//! Every one of the 35 operations of the generated `prolinksqr` client, over HTTP against a
//! wiremock server on 127.0.0.1: the exact request it sends (method, percent-encoded path,
//! full query string, the `Authorization` / `User-Agent` / `Content-Type` headers, the JSON
//! or multipart body) and what the call returns once decoded.
//!
//! The mock server answers *every* request with one canned response and records it; each
//! test then inspects the single recorded request. Matching nothing up front means a wrong
//! path or method shows up as an assertion with the actual value instead of a bare 404.
//!
//! Response bodies are the documentation's examples where the docs give one (list/get/create
//! link, list/create folder); undocumented responses use a plausible body (`{ "data": ... }`,
//! as the Introduction says) and decode into the inferred models, which keep the JSON as
//! received (`raw()`); deletes and actions return `()` whatever the body. Bodies that do not
//! match an inferred shape are in `client_inferred.rs`.

use prolinksqr::types::{
    BackgroundOptions, BulkGenerateRequest, BulkVcardRequest, BulkWebsiteRequest, Cafe,
    CornerDotType, CornerSquareType, CornersDotOptions, CornersSquareOptions, CreateCafeRequest,
    CreateLinkRequest, CrossOrigin, DotType, DotsOptions, ErrorCorrectionLevel, Folder,
    FolderRequest, Group, ImageOptions, Link, LinkConfigurations, LinkResult, LinkType,
    ListLinksSortBy, PatchLinkQrOptionsRequest, QrEncodingOptions, QrMode, QrOptions, QrRenderType,
    Template, TemplateRequest, UpdateCafeRequest, UpdateCafeThemeRequest, UpdateLinkRequest,
    VcardRecord, WebsiteRecord,
};
use prolinksqr::{FilePart, Page};
use serde_json::{Value, json};
use support::{Part, api, assert_no_body, empty, json_body, multipart_parts, object, ok_json};

/// Test plumbing shared by every test below.
mod support {
    use prolinksqr::{Client, RetryPolicy};
    use serde_json::Value;
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    /// A well-formed key (`key-` + 32 characters), as the docs describe.
    pub const KEY: &str = "key-0123456789abcdef0123456789abcdef";

    /// A mock API that answers every request with one response, and a client for it.
    pub struct Api {
        server: MockServer,
        pub client: Client,
    }

    /// Starts a server that answers anything with `response`.
    pub async fn api(response: ResponseTemplate) -> Api {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(response)
            .mount(&server)
            .await;
        let client = Client::builder()
            .credential(KEY)
            .base_url(server.uri())
            // Every test asserts exactly one request: a retry must not hide a failure.
            .retry(RetryPolicy::none())
            .build()
            .expect("valid configuration");
        Api { server, client }
    }

    /// `200` with a JSON body.
    pub fn ok_json(body: Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(body)
    }

    /// A response without a body (`200` or `204`).
    pub fn empty(status: u16) -> ResponseTemplate {
        ResponseTemplate::new(status)
    }

    impl Api {
        /// The one request the server received, after checking its method, its raw
        /// (still percent-encoded) path and query string, and the headers every call must
        /// carry: the raw key as `Basic` credential (not base64) and a user agent.
        pub async fn request(&self, method: &str, path: &str, query: Option<&str>) -> Request {
            let mut requests = self
                .server
                .received_requests()
                .await
                .expect("recording is on");
            assert_eq!(
                requests.len(),
                1,
                "expected exactly one request, got {requests:#?}"
            );
            let request = requests.remove(0);
            assert_eq!(request.method.as_str(), method, "method");
            assert_eq!(request.url.path(), path, "path");
            assert_eq!(request.url.query(), query, "query string");
            assert_eq!(
                header(&request, "authorization").as_deref(),
                Some(format!("Basic {KEY}").as_str()),
                "authorization"
            );
            let user_agent = header(&request, "user-agent").expect("a user agent is sent");
            assert!(user_agent.starts_with("prolinksqr/"), "{user_agent}");
            request
        }
    }

    /// A header's value (asserting it is sent at most once).
    pub fn header(request: &Request, name: &str) -> Option<String> {
        let mut values = request.headers.get_all(name).iter();
        let value = values.next()?;
        assert!(values.next().is_none(), "{name} sent twice");
        Some(value.to_str().expect("ASCII header").to_owned())
    }

    /// The body of a JSON request, after checking its content type.
    pub fn json_body(request: &Request) -> Value {
        assert_eq!(
            header(request, "content-type").as_deref(),
            Some("application/json"),
            "content-type"
        );
        serde_json::from_slice(&request.body).expect("the body is JSON")
    }

    /// Asserts that the request carries no body, and so no content type.
    pub fn assert_no_body(request: &Request) {
        assert!(
            request.body.is_empty(),
            "unexpected body {:?}",
            String::from_utf8_lossy(&request.body)
        );
        assert_eq!(header(request, "content-type"), None, "content-type");
    }

    /// A JSON object literal as the map type the models use for free-form objects.
    pub fn object(value: Value) -> serde_json::Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    /// One part of a `multipart/form-data` body.
    #[derive(Debug, PartialEq, Eq)]
    pub struct Part {
        pub name: String,
        pub file_name: Option<String>,
        pub content_type: Option<String>,
        pub bytes: Vec<u8>,
    }

    impl Part {
        /// A plain text field: no file name, no content type.
        pub fn text(name: &str, value: &str) -> Part {
            Part {
                name: name.to_owned(),
                file_name: None,
                content_type: None,
                bytes: value.as_bytes().to_vec(),
            }
        }

        /// A file upload.
        pub fn file(name: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Part {
            Part {
                name: name.to_owned(),
                file_name: Some(file_name.to_owned()),
                content_type: Some(content_type.to_owned()),
                bytes: bytes.to_vec(),
            }
        }
    }

    /// The parts of a `multipart/form-data` request, sorted by name (their order carries
    /// no meaning). Parses the body by hand, byte-exactly, with the boundary taken from
    /// the content type, so that binary contents (CR/LF, non-UTF-8) are checked as sent.
    pub fn multipart_parts(request: &Request) -> Vec<Part> {
        let content_type = header(request, "content-type").expect("content-type");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
        let delimiter = format!("\r\n--{boundary}");
        // Prefixing CRLF lets the first delimiter be found like all the others.
        let mut body = b"\r\n".to_vec();
        body.extend_from_slice(&request.body);
        let sections = split(&body, delimiter.as_bytes());
        let (preamble, rest) = sections.split_first().expect("a delimiter");
        let (epilogue, sections) = rest.split_last().expect("a closing delimiter");
        assert!(preamble.is_empty(), "preamble {preamble:?}");
        assert!(
            epilogue.starts_with(b"--"),
            "the body ends with the closing delimiter"
        );
        let mut parts: Vec<Part> = sections.iter().map(|s| parse_part(s)).collect();
        parts.sort_by(|a, b| a.name.cmp(&b.name));
        parts
    }

    fn parse_part(section: &[u8]) -> Part {
        let section = section.strip_prefix(b"\r\n").expect("CRLF after delimiter");
        let at = find(section, b"\r\n\r\n").expect("part headers end with a blank line");
        let head = std::str::from_utf8(&section[..at]).expect("ASCII part headers");
        let mut part = Part {
            name: String::new(),
            file_name: None,
            content_type: None,
            bytes: section[at + 4..].to_vec(),
        };
        for line in head.split("\r\n") {
            let (name, value) = line.split_once(':').expect("a header line");
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    let mut params = value.trim().split(';').map(str::trim);
                    assert_eq!(params.next(), Some("form-data"));
                    for param in params {
                        let (key, quoted) = param.split_once('=').expect("key=value");
                        let text = quoted.trim_matches('"').to_owned();
                        match key {
                            "name" => part.name = text,
                            "filename" => part.file_name = Some(text),
                            other => panic!("unexpected disposition parameter {other}"),
                        }
                    }
                }
                "content-type" => part.content_type = Some(value.trim().to_owned()),
                other => panic!("unexpected part header {other}"),
            }
        }
        part
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn split<'a>(mut haystack: &'a [u8], needle: &[u8]) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        while let Some(at) = find(haystack, needle) {
            out.push(&haystack[..at]);
            haystack = &haystack[at + needle.len()..];
        }
        out.push(haystack);
        out
    }
}

/// A link id that must be percent-encoded to stay one path segment (space and `/`).
const LINK_ID: &str = "summer sale/2";
const LINK_PATH: &str = "/links/summer%20sale%2F2";
/// A folder id with a `/` and a space.
const FOLDER_ID: &str = "team/a b";
const FOLDER_PATH: &str = "/folders/team%2Fa%20b";
/// A template id with a space and a `#` (which would otherwise start a fragment).
const TEMPLATE_ID: &str = "tpl #1";
const TEMPLATE_PATH: &str = "/templates/tpl%20%231";
/// A cafe id with a non-ASCII character (UTF-8 encoded) and a `/`.
const CAFE_ID: &str = "café/1";
const CAFE_PATH: &str = "/cafes/caf%C3%A9%2F1";
/// A group id with a `?` (which would otherwise start the query string).
const GROUP_ID: &str = "g?1";
const GROUP_PATH: &str = "/cafes/caf%C3%A9%2F1/groups/g%3F1";

/// The start of a PNG file: binary, with CR/LF and a NUL, as real uploads are.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01";
/// The start of a JPEG file.
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\r\n--not-a-boundary";

/// The documented `GET /links` response (reference-links.md).
fn docs_link_page() -> Value {
    json!({
        "data": [
            {
                "dynamic_link_id": "summer-sale",
                "full_dynamic_url": "https://qr-lb.co/summer-sale",
                "name": "Summer Sale",
                "type": "website",
                "meta_data": { "url": "https://example.com/sale" },
                "qr_options": { "data": "https://qr-lb.co/summer-sale", "width": 300, "height": 300 },
                "folder_id": null,
                "created_at": "Jun 24, 2026",
                "updated_at": "Jun 24, 2026"
            }
        ],
        "meta": { "currentPage": 1, "totalPages": 4 }
    })
}

/// The documented `GET /links/{id}` response (reference-links.md).
fn docs_link_envelope() -> Value {
    json!({
        "data": {
            "dynamic_link_id": "summer-sale",
            "full_dynamic_url": "https://qr-lb.co/summer-sale",
            "name": "Summer Sale",
            "type": "website",
            "meta_data": { "url": "https://example.com/sale" },
            "qr_options": { "data": "https://qr-lb.co/summer-sale" }
        }
    })
}

/// The fields both documented link examples have.
fn summer_sale() -> Link {
    Link::new(
        "summer-sale",
        "https://qr-lb.co/summer-sale",
        "Summer Sale",
        "website",
    )
    .with_meta_data(object(json!({ "url": "https://example.com/sale" })))
}

// ------------------------------------------------------------------------------- links

#[tokio::test]
async fn list_links_sends_every_query_parameter_and_returns_the_page() {
    let api = api(ok_json(docs_link_page())).await;
    let page = api
        .client
        .links()
        .list()
        .page(2)
        .size(50)
        .search("summer sale & more")
        .folder("0c8f...e21")
        .qr_type("website")
        .qr_type(LinkType::Vcard)
        .set_status(["active", "paused"])
        .only_favorites()
        .sort_by(ListLinksSortBy::MostRecent)
        .send()
        .await
        .unwrap();

    // Parameter order follows the spec. Arrays are one comma-joined parameter (form,
    // explode: false), the comma percent-encoded; `&` in a value must not split it.
    let query = "page=2&size=50&search=summer+sale+%26+more&folder=0c8f...e21\
                 &qr_type=website%2Cvcard&status=active%2Cpaused&only_favorites=true\
                 &sort_by=most_recent";
    let request = api.request("GET", "/links", Some(query)).await;
    assert_no_body(&request);

    let expected = summer_sale()
        .with_qr_options(
            QrOptions::new()
                .with_data("https://qr-lb.co/summer-sale")
                .with_width(300)
                .with_height(300),
        )
        // In a response model `"folder_id": null` is simply `None`.
        .with_created_at("Jun 24, 2026")
        .with_updated_at("Jun 24, 2026");
    assert_eq!(page, Page::new(vec![expected], 1, 4));
    assert!(page.has_next());
}

#[tokio::test]
async fn list_links_without_parameters_sends_no_query_string() {
    let api = api(ok_json(
        json!({ "data": [], "meta": { "currentPage": 1, "totalPages": 0 } }),
    ))
    .await;
    let page = api.client.links().list().send().await.unwrap();
    let request = api.request("GET", "/links", None).await;
    assert_no_body(&request);
    assert!(page.items.is_empty());
    assert!(!page.has_next());
}

#[tokio::test]
async fn list_links_sends_an_undocumented_sort_order_verbatim() {
    // `sort_by` is an enum with a catch-all, so a value added to the API later can be sent.
    let api = api(ok_json(
        json!({ "data": [], "meta": { "currentPage": 1, "totalPages": 1 } }),
    ))
    .await;
    api.client
        .links()
        .list()
        .sort_by("most_scanned")
        .send()
        .await
        .unwrap();
    api.request("GET", "/links", Some("sort_by=most_scanned"))
        .await;
}

#[tokio::test]
async fn list_links_without_the_favorites_switch_sends_no_filter() {
    let api = api(ok_json(
        json!({ "data": [], "meta": { "currentPage": 1, "totalPages": 1 } }),
    ))
    .await;
    // `only_favorites` is a switch (`enum: [true]` in the spec): not calling it must send
    // no parameter at all, never `only_favorites=false`.
    api.client.links().list().send().await.unwrap();
    api.request("GET", "/links", None).await;
}

#[tokio::test]
async fn get_link_encodes_the_id_and_unwraps_data() {
    let api = api(ok_json(docs_link_envelope())).await;
    let link = api.client.links().get(LINK_ID).send().await.unwrap();
    assert_no_body(&api.request("GET", LINK_PATH, None).await);
    // The example omits folder_id/created_at/updated_at: they decode as absent.
    let expected =
        summer_sale().with_qr_options(QrOptions::new().with_data("https://qr-lb.co/summer-sale"));
    assert_eq!(link, expected);
    assert_eq!(link.folder_id, None);
}

#[tokio::test]
async fn create_link_sends_the_body_and_returns_the_bare_id() {
    let api = api(ok_json(json!({ "id": "summer-sale" }))).await;
    // Undocumented options (custom slug, scheduling, ...) travel as extra properties.
    let body = CreateLinkRequest::new("Summer Sale", "website")
        .with_data(object(json!({ "url": "https://example.com/sale" })))
        .with_link_configurations(LinkConfigurations::new().with_folder_id("0c8f...e21"))
        .with_additional_property("slug", "summer-sale");

    let created = api.client.links().create(body).send().await.unwrap();

    let request = api.request("POST", "/links", None).await;
    assert_eq!(
        json_body(&request),
        json!({
            "name": "Summer Sale",
            "type": "website",
            "data": { "url": "https://example.com/sale" },
            "linkConfigurations": { "folder_id": "0c8f...e21" },
            "slug": "summer-sale"
        })
    );
    // No envelope: the documented response is the bare `{ "id": ... }`, and the client
    // returns the id itself (`x-unwrap: id`).
    assert_eq!(created, "summer-sale");
}

#[tokio::test]
async fn update_link_puts_only_the_set_fields_and_an_explicit_null() {
    let response =
        json!({ "data": { "dynamic_link_id": "summer-sale", "name": "Summer Sale 2026" } });
    let api = api(ok_json(response.clone())).await;
    // `folder_id: null` takes the link out of its folder, unlike leaving it unset.
    let body = UpdateLinkRequest::new()
        .with_name("Summer Sale 2026")
        .with_link_configurations(LinkConfigurations::new().with_folder_id_null());

    let value = api
        .client
        .links()
        .update(LINK_ID, body)
        .send()
        .await
        .unwrap();

    let request = api.request("PUT", LINK_PATH, None).await;
    assert_eq!(
        json_body(&request),
        json!({ "name": "Summer Sale 2026", "linkConfigurations": { "folder_id": null } })
    );
    assert_eq!(value.dynamic_link_id.as_deref(), Some("summer-sale"));
    assert_eq!(value.name.as_deref(), Some("Summer Sale 2026"));
    assert_eq!(value.full_dynamic_url, None);
    assert_eq!(value.raw(), &response["data"]);
}

#[tokio::test]
async fn patch_link_qr_options_wraps_the_options_and_accepts_an_empty_200() {
    let api = api(empty(200)).await;
    let options = QrOptions::new()
        .with_width(512)
        .with_dots_options(
            DotsOptions::new()
                .with_type(DotType::ExtraRounded)
                .with_color("#112233"),
        )
        .with_qr_options(
            QrEncodingOptions::new()
                .with_error_correction_level(ErrorCorrectionLevel::H)
                .with_mode(QrMode::Byte)
                .with_type_number(0),
        );

    let value = api
        .client
        .links()
        .patch_qr_options(LINK_ID, PatchLinkQrOptionsRequest::new(options))
        .send()
        .await
        .unwrap();

    let request = api.request("PATCH", LINK_PATH, None).await;
    assert_eq!(
        json_body(&request),
        json!({
            "qrOptions": {
                "width": 512,
                "dotsOptions": { "type": "extra-rounded", "color": "#112233" },
                "qrOptions": { "errorCorrectionLevel": "H", "mode": "Byte", "typeNumber": 0 }
            }
        })
    );
    // An empty 200 is not an error: every field is `None`, and the raw JSON is `null`.
    assert_eq!(value, LinkResult::new());
    assert_eq!(value.raw(), &Value::Null, "an empty body is JSON null");
}

#[tokio::test]
async fn delete_link_sends_no_body_and_accepts_204() {
    let api = api(empty(204)).await;
    let () = api.client.links().delete(LINK_ID).send().await.unwrap();
    assert_no_body(&api.request("DELETE", LINK_PATH, None).await);
}

#[tokio::test]
async fn archive_link_posts_without_a_body() {
    let response = json!({ "data": { "dynamic_link_id": "summer-sale", "archived": true } });
    let api = api(ok_json(response.clone())).await;
    // Whatever confirms the action, the call returns `()`.
    let () = api.client.links().archive(LINK_ID).send().await.unwrap();
    let request = api
        .request("POST", &format!("{LINK_PATH}/archive"), None)
        .await;
    assert_no_body(&request);
}

#[tokio::test]
async fn pause_link_posts_without_a_body() {
    let response = json!({ "message": "Link paused" });
    let api = api(ok_json(response.clone())).await;
    let () = api.client.links().pause(LINK_ID).send().await.unwrap();
    let request = api
        .request("POST", &format!("{LINK_PATH}/pause"), None)
        .await;
    assert_no_body(&request);
}

#[tokio::test]
async fn resume_link_posts_without_a_body_and_accepts_204() {
    let api = api(empty(204)).await;
    let () = api.client.links().resume(LINK_ID).send().await.unwrap();
    let request = api
        .request("POST", &format!("{LINK_PATH}/resume"), None)
        .await;
    assert_no_body(&request);
}

#[tokio::test]
async fn duplicate_link_posts_without_a_body() {
    let response = json!({ "id": "summer-sale-copy" });
    let api = api(ok_json(response.clone())).await;
    let value = api.client.links().duplicate(LINK_ID).send().await.unwrap();
    let request = api
        .request("POST", &format!("{LINK_PATH}/duplicate"), None)
        .await;
    assert_no_body(&request);
    // An answer like the create response's (`{ "id": ... }`, no `data`) is understood too.
    assert_eq!(value, LinkResult::new().with_id("summer-sale-copy"));
    assert_eq!(value.raw(), &response);
}

#[tokio::test]
async fn save_link_as_template_sends_the_optional_body() {
    let response = json!({ "data": { "id": "tpl-1", "name": "Summer style" } });
    let api = api(ok_json(response.clone())).await;
    let value = api
        .client
        .links()
        .save_as_template(LINK_ID)
        .body(object(json!({ "name": "Summer style" })))
        .send()
        .await
        .unwrap();
    let request = api
        .request("POST", &format!("{LINK_PATH}/save-template"), None)
        .await;
    assert_eq!(json_body(&request), json!({ "name": "Summer style" }));
    assert_eq!(
        value,
        Template::new().with_id("tpl-1").with_name("Summer style")
    );
    assert_eq!(value.raw(), &response["data"]);
}

#[tokio::test]
async fn save_link_as_template_without_a_body_sends_none() {
    let api = api(empty(200)).await;
    let value = api
        .client
        .links()
        .save_as_template(LINK_ID)
        .send()
        .await
        .unwrap();
    let request = api
        .request("POST", &format!("{LINK_PATH}/save-template"), None)
        .await;
    assert_no_body(&request);
    assert_eq!(value, Template::new());
    assert_eq!(value.raw(), &Value::Null);
}

// ----------------------------------------------------------------------------- folders

#[tokio::test]
async fn list_folders_unwraps_the_documented_list() {
    let api = api(ok_json(json!({
        "data": [
            { "id": "0c8f...e21", "name": "Campaigns" },
            { "id": "9a13...77b", "name": "Events" }
        ]
    })))
    .await;
    let folders = api.client.folders().list().send().await.unwrap();
    assert_no_body(&api.request("GET", "/folders", None).await);
    assert_eq!(
        folders,
        [
            Folder::new("0c8f...e21", "Campaigns"),
            Folder::new("9a13...77b", "Events")
        ]
    );
}

#[tokio::test]
async fn create_folder_sends_the_documented_body_and_unwraps_data() {
    let api = api(ok_json(
        json!({ "data": { "id": "0c8f...e21", "name": "Campaigns" } }),
    ))
    .await;
    let folder = api
        .client
        .folders()
        .create(FolderRequest::new("Campaigns"))
        .send()
        .await
        .unwrap();
    let request = api.request("POST", "/folders", None).await;
    assert_eq!(json_body(&request), json!({ "name": "Campaigns" }));
    assert_eq!(folder, Folder::new("0c8f...e21", "Campaigns"));
}

#[tokio::test]
async fn get_folder_encodes_the_id_and_unwraps_data() {
    let api = api(ok_json(
        json!({ "data": { "id": FOLDER_ID, "name": "Campaigns" } }),
    ))
    .await;
    let folder = api.client.folders().get(FOLDER_ID).send().await.unwrap();
    assert_no_body(&api.request("GET", FOLDER_PATH, None).await);
    assert_eq!(folder, Folder::new(FOLDER_ID, "Campaigns"));
}

#[tokio::test]
async fn update_folder_sends_the_documented_body_and_unwraps_data() {
    let api = api(ok_json(
        json!({ "data": { "id": FOLDER_ID, "name": "Spring Campaigns" } }),
    ))
    .await;
    let folder = api
        .client
        .folders()
        .update(FOLDER_ID, FolderRequest::new("Spring Campaigns"))
        .send()
        .await
        .unwrap();
    let request = api.request("PUT", FOLDER_PATH, None).await;
    assert_eq!(json_body(&request), json!({ "name": "Spring Campaigns" }));
    assert_eq!(folder, Folder::new(FOLDER_ID, "Spring Campaigns"));
}

#[tokio::test]
async fn delete_folder_sends_no_body_and_accepts_an_empty_200() {
    let api = api(empty(200)).await;
    let () = api.client.folders().delete(FOLDER_ID).send().await.unwrap();
    assert_no_body(&api.request("DELETE", FOLDER_PATH, None).await);
}

// --------------------------------------------------------------------------- templates

#[tokio::test]
async fn list_templates_unwraps_the_inferred_list() {
    let response = json!({ "data": [ { "id": "tpl-1", "name": "Brand" } ] });
    let api = api(ok_json(response.clone())).await;
    let value = api.client.templates().list().send().await.unwrap();
    assert_no_body(&api.request("GET", "/templates", None).await);
    assert_eq!(
        value,
        vec![Template::new().with_id("tpl-1").with_name("Brand")]
    );
    assert_eq!(value[0].raw(), &response["data"][0]);
}

#[tokio::test]
async fn create_template_sends_every_qr_option_with_its_wire_name() {
    let response = json!({ "data": { "id": "tpl-1" } });
    let api = api(ok_json(response.clone())).await;
    // Every QrOptions field, to pin each camelCase wire name and enum spelling.
    let options = QrOptions::new()
        .with_width(300)
        .with_height(300)
        .with_type(QrRenderType::Svg)
        .with_data("https://qr-lb.co/summer-sale")
        .with_image("https://example.com/logo.png")
        .with_margin(8)
        .with_qr_options(
            QrEncodingOptions::new()
                .with_type_number(4)
                .with_mode(QrMode::Alphanumeric)
                .with_error_correction_level(ErrorCorrectionLevel::Q),
        )
        .with_dots_options(
            DotsOptions::new()
                .with_type(DotType::ClassyRounded)
                .with_color("black"),
        )
        .with_corners_square_options(
            CornersSquareOptions::new()
                .with_type(CornerSquareType::ExtraRounded)
                .with_color("#000"),
        )
        .with_corners_dot_options(
            CornersDotOptions::new()
                .with_type(CornerDotType::Dot)
                .with_color("#111"),
        )
        .with_background_options(BackgroundOptions::new().with_color("white"))
        .with_image_options(
            ImageOptions::new()
                .with_hide_background_dots(true)
                .with_image_size(0.4)
                .with_margin(2)
                .with_cross_origin(CrossOrigin::UseCredentials),
        );
    let body = TemplateRequest::new()
        .with_name("Brand")
        .with_qr_options(options);

    let value = api.client.templates().create(body).send().await.unwrap();

    let request = api.request("POST", "/templates", None).await;
    assert_eq!(
        json_body(&request),
        json!({
            "name": "Brand",
            "qrOptions": {
                "width": 300,
                "height": 300,
                "type": "svg",
                "data": "https://qr-lb.co/summer-sale",
                "image": "https://example.com/logo.png",
                "margin": 8,
                "qrOptions": { "typeNumber": 4, "mode": "Alphanumeric", "errorCorrectionLevel": "Q" },
                "dotsOptions": { "type": "classy-rounded", "color": "black" },
                "cornersSquareOptions": { "type": "extra-rounded", "color": "#000" },
                "cornersDotOptions": { "type": "dot", "color": "#111" },
                "backgroundOptions": { "color": "white" },
                "imageOptions": {
                    "hideBackgroundDots": true,
                    "imageSize": 0.4,
                    "margin": 2,
                    "crossOrigin": "use-credentials"
                }
            }
        })
    );
    assert_eq!(value, Template::new().with_id("tpl-1"));
}

#[tokio::test]
async fn get_template_encodes_the_id() {
    let response = json!({ "data": { "id": TEMPLATE_ID, "name": "Brand" } });
    let api = api(ok_json(response.clone())).await;
    let value = api
        .client
        .templates()
        .get(TEMPLATE_ID)
        .send()
        .await
        .unwrap();
    assert_no_body(&api.request("GET", TEMPLATE_PATH, None).await);
    assert_eq!(
        value,
        Template::new().with_id(TEMPLATE_ID).with_name("Brand")
    );
}

#[tokio::test]
async fn update_template_puts_only_the_set_fields() {
    let response = json!({ "data": { "id": TEMPLATE_ID, "name": "Brand v2" } });
    let api = api(ok_json(response.clone())).await;
    let value = api
        .client
        .templates()
        .update(TEMPLATE_ID, TemplateRequest::new().with_name("Brand v2"))
        .send()
        .await
        .unwrap();
    let request = api.request("PUT", TEMPLATE_PATH, None).await;
    assert_eq!(json_body(&request), json!({ "name": "Brand v2" }));
    assert_eq!(value.name.as_deref(), Some("Brand v2"));
    assert_eq!(value.raw(), &response["data"]);
}

#[tokio::test]
async fn delete_template_sends_no_body() {
    let api = api(empty(204)).await;
    let () = api
        .client
        .templates()
        .delete(TEMPLATE_ID)
        .send()
        .await
        .unwrap();
    assert_no_body(&api.request("DELETE", TEMPLATE_PATH, None).await);
}

// -------------------------------------------------------------------------------- bulk

#[tokio::test]
async fn bulk_generate_sends_the_documented_example() {
    let response = json!({ "data": [ { "id": "landing-a" }, { "id": "landing-b" } ] });
    let api = api(ok_json(response.clone())).await;
    let body = BulkGenerateRequest::from(
        BulkWebsiteRequest::new(vec![
            WebsiteRecord::new("Landing A", "https://example.com/a"),
            WebsiteRecord::new("Landing B", "https://example.com/b"),
        ])
        .with_folder_id("0c8f...e21"),
    );

    let value = api.client.bulk().generate(body).send().await.unwrap();

    let request = api.request("POST", "/bulk-generate", None).await;
    // Exactly the body of the reference-bulk.md curl example.
    assert_eq!(
        json_body(&request),
        json!({
            "type": "website",
            "folderId": "0c8f...e21",
            "data": [
                { "name": "Landing A", "url": "https://example.com/a" },
                { "name": "Landing B", "url": "https://example.com/b" }
            ]
        })
    );
    let ids: Vec<_> = value
        .data
        .iter()
        .flatten()
        .map(|link| link.id.as_deref())
        .collect();
    assert_eq!(ids, [Some("landing-a"), Some("landing-b")]);
    assert_eq!(value.raw(), &response);
}

#[tokio::test]
async fn bulk_generate_vcard_records_use_camel_case_fields() {
    let api = api(empty(200)).await;
    let record = VcardRecord::new("Ada", "Ada", "Lovelace", "+1 555 0100", "ada@example.com")
        .with_company("Analytical Engines")
        .with_zip("10115");
    let body = BulkGenerateRequest::from(BulkVcardRequest::new(vec![record]));

    api.client.bulk().generate(body).send().await.unwrap();

    let request = api.request("POST", "/bulk-generate", None).await;
    assert_eq!(
        json_body(&request),
        json!({
            "type": "vcard",
            "data": [ {
                "name": "Ada",
                "firstName": "Ada",
                "lastName": "Lovelace",
                "contact": "+1 555 0100",
                "email": "ada@example.com",
                "company": "Analytical Engines",
                "zip": "10115"
            } ]
        })
    );
}

// ------------------------------------------------------------------------------- cafes

#[tokio::test]
async fn list_cafes_unwraps_the_inferred_list() {
    let response = json!({ "data": [ { "id": "cafe-1", "name": "Downtown Cafe" } ] });
    let api = api(ok_json(response.clone())).await;
    let value = api.client.cafes().list().send().await.unwrap();
    assert_no_body(&api.request("GET", "/cafes", None).await);
    assert_eq!(
        value,
        vec![Cafe::new().with_id("cafe-1").with_name("Downtown Cafe")]
    );
}

#[tokio::test]
async fn create_cafe_sends_the_documented_example() {
    let response = json!({ "data": { "id": "cafe-1", "name": "Downtown Cafe" } });
    let api = api(ok_json(response.clone())).await;
    let body =
        CreateCafeRequest::new("Downtown Cafe").with_description("Specialty coffee & brunch");
    let value = api.client.cafes().create(body).send().await.unwrap();
    let request = api.request("POST", "/cafes", None).await;
    assert_eq!(
        json_body(&request),
        json!({ "name": "Downtown Cafe", "description": "Specialty coffee & brunch" })
    );
    assert_eq!(
        value,
        Cafe::new().with_id("cafe-1").with_name("Downtown Cafe")
    );
}

#[tokio::test]
async fn get_cafe_encodes_a_non_ascii_id() {
    let response = json!({ "data": { "id": CAFE_ID, "name": "Downtown Cafe" } });
    let api = api(ok_json(response.clone())).await;
    let value = api.client.cafes().get(CAFE_ID).send().await.unwrap();
    assert_no_body(&api.request("GET", CAFE_PATH, None).await);
    assert_eq!(value.id.as_deref(), Some(CAFE_ID));
    assert_eq!(value.raw(), &response["data"]);
}

#[tokio::test]
async fn update_cafe_puts_only_the_set_fields() {
    let response = json!({ "data": { "id": CAFE_ID, "name": "Uptown Cafe" } });
    let api = api(ok_json(response.clone())).await;
    let body = UpdateCafeRequest::new()
        .with_name("Uptown Cafe")
        .with_type("restaurant");
    let value = api
        .client
        .cafes()
        .update(CAFE_ID, body)
        .send()
        .await
        .unwrap();
    let request = api.request("PUT", CAFE_PATH, None).await;
    assert_eq!(
        json_body(&request),
        json!({ "name": "Uptown Cafe", "type": "restaurant" })
    );
    assert_eq!(value.name.as_deref(), Some("Uptown Cafe"));
}

#[tokio::test]
async fn delete_cafe_sends_no_body() {
    let api = api(empty(204)).await;
    let () = api.client.cafes().delete(CAFE_ID).send().await.unwrap();
    assert_no_body(&api.request("DELETE", CAFE_PATH, None).await);
}

#[tokio::test]
async fn update_cafe_profile_uploads_logo_and_cover_as_multipart() {
    let response = json!({ "data": { "logo": "https://cdn.example.com/logo.png" } });
    let api = api(ok_json(response.clone())).await;
    let value = api
        .client
        .cafes()
        .update_profile(CAFE_ID)
        .logo(
            FilePart::new(PNG)
                .file_name("logo.png")
                .content_type("image/png"),
        )
        // No explicit type: guessed from the file name.
        .cover(FilePart::new(JPEG).file_name("cover.jpg"))
        .send()
        .await
        .unwrap();

    let request = api
        .request("PUT", &format!("{CAFE_PATH}/profile"), None)
        .await;
    assert_eq!(
        multipart_parts(&request),
        [
            Part::file("cover", "cover.jpg", "image/jpeg", JPEG),
            Part::file("logo", "logo.png", "image/png", PNG),
        ]
    );
    // `logo` is not a typed field of `Cafe`: it is kept with the extra properties.
    assert_eq!(
        value.additional_properties.get("logo"),
        Some(&json!("https://cdn.example.com/logo.png"))
    );
}

#[tokio::test]
async fn update_cafe_theme_sends_camel_case_fields() {
    let response = json!({ "data": { "themeImage": "coffee" } });
    let api = api(ok_json(response.clone())).await;
    let body = UpdateCafeThemeRequest::new("coffee")
        .with_primary_color("#6F4E37")
        .with_secondary_color("#FFF8E7")
        .with_show_dietary_section(true);
    let value = api
        .client
        .cafes()
        .update_theme(CAFE_ID, body)
        .send()
        .await
        .unwrap();
    let request = api
        .request("PUT", &format!("{CAFE_PATH}/theme"), None)
        .await;
    assert_eq!(
        json_body(&request),
        json!({
            "themeImage": "coffee",
            "primaryColor": "#6F4E37",
            "secondaryColor": "#FFF8E7",
            "showDietarySection": true
        })
    );
    assert_eq!(value, Cafe::new().with_theme_image("coffee"));
}

// ------------------------------------------------------------------------------ groups

#[tokio::test]
async fn list_groups_encodes_the_cafe_id() {
    let response = json!({ "data": [ { "id": "g1", "name": "Breakfast" } ] });
    let api = api(ok_json(response.clone())).await;
    let value = api.client.groups().list(CAFE_ID).send().await.unwrap();
    assert_no_body(
        &api.request("GET", &format!("{CAFE_PATH}/groups"), None)
            .await,
    );
    assert_eq!(
        value,
        vec![Group::new().with_id("g1").with_name("Breakfast")]
    );
}

#[tokio::test]
async fn create_group_sends_name_visible_and_image_as_multipart() {
    let response = json!({ "data": { "id": "g1", "name": "Breakfast", "visible": true } });
    let api = api(ok_json(response.clone())).await;
    let value = api
        .client
        .groups()
        .create(CAFE_ID, "Breakfast")
        .visible(true)
        .image(FilePart::new(PNG).file_name("breakfast.png"))
        .send()
        .await
        .unwrap();

    let request = api
        .request("POST", &format!("{CAFE_PATH}/groups"), None)
        .await;
    // Booleans are text parts `true` / `false` (spec gap 19).
    assert_eq!(
        multipart_parts(&request),
        [
            Part::file("image", "breakfast.png", "image/png", PNG),
            Part::text("name", "Breakfast"),
            Part::text("visible", "true"),
        ]
    );
    assert_eq!(
        value,
        Group::new()
            .with_id("g1")
            .with_name("Breakfast")
            .with_visible(true)
    );
}

#[tokio::test]
async fn create_group_without_optional_fields_sends_only_the_name() {
    let api = api(empty(200)).await;
    api.client
        .groups()
        .create(CAFE_ID, "Drinks")
        .send()
        .await
        .unwrap();
    let request = api
        .request("POST", &format!("{CAFE_PATH}/groups"), None)
        .await;
    assert_eq!(multipart_parts(&request), [Part::text("name", "Drinks")]);
}

#[tokio::test]
async fn create_group_image_without_a_file_name_is_still_a_file_upload() {
    let api = api(empty(200)).await;
    api.client
        .groups()
        .create(CAFE_ID, "Breakfast")
        .image(FilePart::new(PNG))
        .send()
        .await
        .unwrap();
    let request = api
        .request("POST", &format!("{CAFE_PATH}/groups"), None)
        .await;
    let parts = multipart_parts(&request);
    let image = parts
        .iter()
        .find(|p| p.name == "image")
        .expect("image part");
    assert_eq!(image.bytes, PNG);
    // Without a file name, multipart parsers (multer, busboy, PHP, Django) would take the
    // part for a text field: the runtime names it after the sniffed image type.
    assert_eq!(image.file_name.as_deref(), Some("upload.png"), "{image:?}");
    assert_eq!(
        image.content_type.as_deref(),
        Some("image/png"),
        "{image:?}"
    );
}

#[tokio::test]
async fn reorder_groups_patches_the_literal_reorder_path() {
    let response = json!({ "data": [ "g2", "g1" ] });
    let api = api(ok_json(response.clone())).await;
    let () = api
        .client
        .groups()
        .reorder(CAFE_ID, object(json!({ "groupIds": ["g2", "g1"] })))
        .send()
        .await
        .unwrap();
    let request = api
        .request("PATCH", &format!("{CAFE_PATH}/groups/reorder"), None)
        .await;
    assert_eq!(json_body(&request), json!({ "groupIds": ["g2", "g1"] }));
}

#[tokio::test]
async fn get_group_encodes_both_ids() {
    let response = json!({ "data": { "id": GROUP_ID, "name": "Breakfast" } });
    let api = api(ok_json(response.clone())).await;
    let value = api
        .client
        .groups()
        .get(CAFE_ID, GROUP_ID)
        .send()
        .await
        .unwrap();
    assert_no_body(&api.request("GET", GROUP_PATH, None).await);
    assert_eq!(value, Group::new().with_id(GROUP_ID).with_name("Breakfast"));
}

#[tokio::test]
async fn update_group_sends_the_set_fields_as_multipart() {
    let response = json!({ "data": { "id": GROUP_ID, "name": "Lunch", "visible": false } });
    let api = api(ok_json(response.clone())).await;
    let value = api
        .client
        .groups()
        .update(CAFE_ID, GROUP_ID)
        .name("Lunch")
        .visible(false)
        .image(
            FilePart::new(JPEG)
                .file_name("lunch.jpeg")
                .content_type("image/jpeg"),
        )
        .send()
        .await
        .unwrap();

    let request = api.request("PUT", GROUP_PATH, None).await;
    assert_eq!(
        multipart_parts(&request),
        [
            Part::file("image", "lunch.jpeg", "image/jpeg", JPEG),
            Part::text("name", "Lunch"),
            Part::text("visible", "false"),
        ]
    );
    assert_eq!(
        value,
        Group::new()
            .with_id(GROUP_ID)
            .with_name("Lunch")
            .with_visible(false)
    );
}

#[tokio::test]
async fn update_group_sends_only_the_fields_that_were_set() {
    let api = api(empty(204)).await;
    api.client
        .groups()
        .update(CAFE_ID, GROUP_ID)
        .visible(false)
        .send()
        .await
        .unwrap();
    let request = api.request("PUT", GROUP_PATH, None).await;
    assert_eq!(multipart_parts(&request), [Part::text("visible", "false")]);
}

#[tokio::test]
async fn delete_group_sends_no_body() {
    let api = api(empty(204)).await;
    let () = api
        .client
        .groups()
        .delete(CAFE_ID, GROUP_ID)
        .send()
        .await
        .unwrap();
    assert_no_body(&api.request("DELETE", GROUP_PATH, None).await);
}

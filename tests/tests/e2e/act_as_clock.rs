//! Issue 27 in the browser: act-as with a reason and a clock (refused without a reason, the
//! countdown and its two-minute warning, the session ended by the clock with the rep restored and
//! the record saying so in the supervisor's view), and a request that fails before any answer
//! named for what it is: the API stopped, an origin the API does not allow, an https page calling
//! an http API.
use gatehouse_e2e::*;
use std::sync::Arc;

const REP: (&str, &str) = ("rep01", "Gatehouse-Rep01");

#[tokio::test]
async fn act_as_needs_a_reason_counts_down_and_the_clock_ends_it() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    b.fill("#imp-search", "buyer01").await;
    b.click("#imp-search-go").await;
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    b.find("#imp-roles").await;
    // no reason: refused, nothing sent
    b.click("#imp-act").await;
    b.wait_text("#imp-error", "Give the reason").await;
    assert!(!b.exists("#acting-banner").await);
    assert_eq!(b.attr("#imp-reason", "aria-required").await.as_deref(), Some("true"));

    // a reason, and a token of 12 seconds (the sandbox's token lifetime option)
    b.fill("#imp-reason", "TICKET-4711 address change").await;
    w.app.hub.set_token_seconds(12);
    b.click("#imp-act").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
    w.app.hub.set_token_seconds(0);
    // the countdown, and the warning (less than two minutes left), announced
    let left = b.text("#acting-left").await;
    assert!(left.starts_with("0m "), "{left}");
    let warning = b.wait_text("#acting-warning", "Less than two minutes left").await;
    assert!(warning.contains("rep01"), "{warning}");
    assert_eq!(b.attr("#acting-warning", "role").await.as_deref(), Some("alert"));
    // one request as the buyer
    b.open_op(&w, "GET /me").await;
    assert_eq!(b.send().await, 200);
    assert_eq!(b.text("#who-user").await, "buyer01");

    // the clock ends it: the rep is back, and the notice says how and why
    b.gone("#acting-banner").await;
    let notice = b.wait_text("#acting-ended", "ended by the clock").await;
    assert!(notice.contains("TICKET-4711") && notice.contains("expired") && notice.contains("rep01"), "{notice}");
    b.wait_text("#who-user", "rep01").await;
    assert!(!b.exists("#acting-warning").await);

    // the supervisor's view (the API's record) has the reason and who ended it
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    let record = b.wait_text("#impersonation-record", "TICKET-4711").await;
    let row = b.wait_text("#impersonation-record tbody tr:first-child .imp-ended-by", "the clock").await;
    assert_eq!(row, "the clock", "{record}");
    let rep = w.token(REP.0, REP.1).await;
    let (s, log) = w.call("GET", "/impersonations", &rep, None).await;
    assert_eq!(s, 200, "{log}");
    let last = &log["Items"][0];
    assert_eq!(
        (last["Reason"].as_str(), last["EndedBy"].as_str()),
        (Some("TICKET-4711 address change"), Some("Clock")),
        "{last}"
    );
    assert!(last["Requests"].as_u64().is_some_and(|n| n >= 1), "{last}");
    assert!(b.axe().await.is_empty(), "{:?}", b.axe().await);

    // ended by the rep: the sandbox revokes the token, and the record says so
    b.fill("#imp-search", "buyer01").await;
    b.click("#imp-search-go").await;
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    b.fill("#imp-reason", "TICKET-4712").await;
    b.click("#imp-act").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
    assert!(!b.exists("#acting-warning").await, "ten hours left: no warning");
    b.click("#acting-end").await;
    let notice = b.wait_text("#acting-ended", "revoked").await;
    assert!(notice.contains("ended by you") && notice.contains("TICKET-4712"), "{notice}");
}

/// A TLS front on 127.0.0.1 for `target` (a plain HTTP server), with a self-signed certificate
/// for `portal.test` made by openssl; its port.
async fn tls_front(target: String, dir: &std::path::Path) -> u16 {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let ok = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=portal.test", "-addext", "subjectAltName=DNS:portal.test", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl makes the test certificate");
    assert!(ok.success());
    let certs: Vec<_> = rustls_pemfile::certs(&mut std::io::BufReader::new(std::fs::File::open(&cert).unwrap()))
        .collect::<Result<_, _>>()
        .unwrap();
    let key =
        rustls_pemfile::private_key(&mut std::io::BufReader::new(std::fs::File::open(&key).unwrap())).unwrap().unwrap();
    use tokio_rustls::rustls;
    // ring builds with no C toolchain beyond cc (aws-lc-rs needs cmake); a test certificate
    // needs no post-quantum key exchange
    #[allow(deprecated, reason = "ring's provider: enough for a loopback test front")]
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, target) = (acceptor.clone(), target.clone());
            tokio::spawn(async move {
                if let (Ok(mut tls), Ok(mut up)) =
                    (acceptor.accept(tcp).await, tokio::net::TcpStream::connect(&target).await)
                {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                }
            });
        }
    });
    port
}

async fn sign_in_at(b: &Browser, portal: &str, api: &str) -> String {
    b.c.goto(portal).await.unwrap();
    b.fill("#signin-base", api).await;
    b.fill("#signin-username", REP.0).await;
    b.fill("#signin-password", REP.1).await;
    b.click("#signin-submit").await;
    b.find("#signin-error").await;
    b.wait_text("#signin-error", "API").await
}

#[tokio::test]
async fn a_request_failing_before_an_answer_is_named_for_what_it_is() {
    let w = world().await;
    let b = browser_with(&[
        "--ignore-certificate-errors",
        "--host-resolver-rules=MAP portal.test 127.0.0.1, MAP api.test 127.0.0.1",
    ])
    .await;
    let origin = w.portal.trim_end_matches('/').to_string();

    // the API stopped: nothing listens at its address any more
    let stopped = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let said = sign_in_at(&b, &w.portal, &stopped).await;
    assert!(said.contains(&format!("Could not reach the API at {stopped}")) && said.contains("running"), "{said}");
    assert!(!said.contains("origin") && !said.contains("mixed"), "{said}");

    // a sandbox that allows another origin only: it answers, but not to this page
    w.app.hub.set_allowed_origins(&["http://elsewhere.example".into()]).unwrap();
    let strict = gatehouse_sandbox::spawn(w.app.clone()).await.unwrap();
    w.app.hub.set_allowed_origins(&[]).unwrap();
    let said = sign_in_at(&b, &w.portal, &strict).await;
    assert!(
        said.contains(&format!("does not allow this page's origin ({origin})"))
            && said.contains(&format!("--allow-origin {origin}")),
        "{said}"
    );
    assert!(b.axe().await.is_empty(), "{:?}", b.axe().await);

    // the portal over https calling the API over http (not loopback: mixed content)
    let api_port = w.api.rsplit(':').next().unwrap();
    let plain = gatehouse_e2e::serve_portal(&format!("http://api.test:{api_port}")).await;
    let dir = tempfile::tempdir().unwrap();
    let port = tls_front(plain.trim_start_matches("http://").to_string(), dir.path()).await;
    let https = format!("https://portal.test:{port}/");
    b.c.goto(&https).await.unwrap();
    b.find("#signin-username").await;
    assert_eq!(b.value("#signin-base").await, format!("http://api.test:{api_port}"));
    let said = sign_in_at(&b, &https, &format!("http://api.test:{api_port}")).await;
    assert!(said.contains("mixed content") && said.contains("https"), "{said}");
}

#[tokio::test]
async fn config_json_can_make_the_reason_optional() {
    let w = world().await;
    let portal = serve_portal_with(&w.api, serde_json::json!({"impersonation_reason_required": false})).await;
    let b = browser().await;
    b.c.goto(&portal).await.unwrap();
    b.fill("#signin-username", REP.0).await;
    b.fill("#signin-password", REP.1).await;
    b.click("#signin-submit").await;
    b.find("#console-ready").await;
    b.c.goto(&format!("{portal}/?op=enhanced:impersonation")).await.unwrap();
    b.fill("#imp-search", "buyer01").await;
    b.click("#imp-search-go").await;
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    assert_ne!(b.attr("#imp-reason", "aria-required").await.as_deref(), Some("true"), "not required here");
    b.click("#imp-act").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
    assert!(!b.exists("#imp-error").await || b.text("#imp-error").await.is_empty());
}

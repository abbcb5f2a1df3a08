//! HTTP to the API from the browser: bearer tokens, timing, sizes, and failures that keep
//! everything on screen.
use gatehouse_model::error::{ApiError, ErrorBody};
use gatehouse_model::read;
use gloo_net::http::{Method, RequestBuilder};

/// One answer from the API, as the response viewer shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiResponse {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub status_text: String,
    pub ms: f64,
    pub size: usize,
    pub headers: Vec<(String, String)>,
    pub body: std::sync::Arc<String>,
    /// `performance.now()` when the body (or, while `complete` is false, its first part) had
    /// arrived.
    pub received_at: f64,
    /// False for the first part of a large successful answer, shown while the rest arrives
    /// ([`send_streaming`]); `size` is then what has arrived so far.
    pub complete: bool,
}

impl ApiResponse {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
    /// The `Errors[]` of an error answer, when it has them.
    pub fn errors(&self) -> Option<ErrorBody> {
        if self.ok() {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        let errors: Vec<ApiError> = v["Errors"]
            .as_array()?
            .iter()
            .map(|e| ApiError {
                error_code: read::text(e, "ErrorCode"),
                message: read::text(e, "Message"),
                data: e["Data"].clone(),
            })
            .collect();
        (!errors.is_empty()).then_some(ErrorBody { errors })
    }
}

/// What `encodeURIComponent` leaves as it is: letters, digits and `-_.!~*'()`.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Percent-encodes a path segment or query value, as `encodeURIComponent` does (UTF-8 bytes).
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

/// An object's path: its collection and its encoded ID (the hub's collections are in
/// `gatehouse_model::hub`).
pub fn item(collection: &str, id: &str) -> String {
    format!("{collection}/{}", enc(id))
}

/// `path?name=value&…` with every name and value percent-encoded; `path` alone when the query
/// is empty. The one writer of list queries (console, screens, launcher).
pub fn with_query(path: &str, q: &gatehouse_model::list::ListQuery) -> String {
    let pairs: Vec<String> = q.pairs().iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

pub fn now_ms() -> f64 {
    leptos::prelude::window().performance().map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// A named moment on the page's performance timeline (`gatehouse:…`), read by `bench/` to say
/// where the time to the first screen and to a big answer goes.
pub fn mark(name: &str) {
    if let Some(p) = leptos::prelude::window().performance() {
        let _ = p.mark(&format!("gatehouse:{name}"));
    }
}

fn method_of(name: &str) -> Method {
    match name {
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    }
}

/// The newest of a series of loads (a list as its search changes, a picker as its source
/// changes): beginning a load aborts the one before it (AbortController), leaving the screen
/// aborts the one in flight, and an answer whose ticket is no longer current is dropped, so a
/// slow older answer can never replace a newer one.
#[derive(Clone, Copy)]
pub struct Latest {
    state: leptos::prelude::StoredValue<(u64, Option<web_sys::AbortController>), leptos::prelude::LocalStorage>,
}

/// One load of a [`Latest`] series.
pub struct Ticket {
    seq: u64,
    pub signal: Option<web_sys::AbortSignal>,
}

impl Latest {
    /// A new series, aborted when the owning screen or widget goes away.
    pub fn new() -> Latest {
        use leptos::prelude::*;
        let latest = Latest { state: StoredValue::new_local((0, None)) };
        on_cleanup(move || latest.abort());
        latest
    }
    /// Starts a load: aborts the one before.
    pub fn begin(&self) -> Ticket {
        use leptos::prelude::*;
        let controller = web_sys::AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        let mut seq = 0;
        self.state.update_value(|(n, c)| {
            if let Some(old) = c.take() {
                old.abort();
            }
            *n += 1;
            seq = *n;
            *c = controller;
        });
        Ticket { seq, signal }
    }
    /// Whether `ticket` is still the newest load.
    pub fn is_current(&self, ticket: &Ticket) -> bool {
        use leptos::prelude::*;
        self.state.try_with_value(|(n, _)| *n == ticket.seq).unwrap_or(false)
    }
    /// Aborts the load in flight, if any.
    pub fn abort(&self) {
        use leptos::prelude::*;
        self.state.try_update_value(|(n, c)| {
            *n += 1;
            if let Some(old) = c.take() {
                old.abort();
            }
        });
    }
}

/// Sends one request. `Err` is a network failure (nothing reached the API), worded for people.
/// `signal` aborts it (see [`Latest`]).
pub async fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<ApiResponse, String> {
    send_streaming(method, url, token, body, signal, None).await
}

/// A successful answer with at least this much in and more to come is shown at once
/// (`early`), so the first rows of a multi-megabyte answer appear while the rest arrives.
const EARLY_BYTES: usize = 16 * 1024;
/// Of a first part, at most this much is shown at once.
const FIRST_SHOWN: usize = 64 * 1024;
/// How often the part shown is brought up to date while a slow answer arrives.
const EARLY_EVERY_MS: f64 = 250.0;
/// Reading a big answer yields to the page after this long.
const TURN_MS: f64 = 8.0;
/// A chunk of a body is copied in pieces of at most this size (between them, reading may yield).
const COPY_PIECE: usize = 256 * 1024;

/// [`send`], reading the body as it arrives: `early` is called with the part of a large
/// successful answer that is in (`complete: false`), at once and then every quarter second
/// until the whole has arrived; the `Ok` answer is always the whole. A connection that breaks
/// while the body arrives, or an abort then, is an `Err` saying the API had already answered.
pub async fn send_streaming(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
    signal: Option<&web_sys::AbortSignal>,
    mut early: Option<&mut dyn FnMut(ApiResponse)>,
) -> Result<ApiResponse, String> {
    let mut req =
        RequestBuilder::new(url).method(method_of(method)).header("Accept", "application/json").abort_signal(signal);
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let start = now_ms();
    mark("answer-requested");
    let sent = match body {
        Some(b) => {
            req.header("Content-Type", "application/json").body(b.to_string()).map_err(|e| e.to_string())?.send().await
        }
        None => req.send().await,
    };
    // said in words: the browser's own text ("TypeError: Failed to fetch") tells people nothing
    let res = match sent {
        Ok(res) => res,
        Err(_) if signal.is_some_and(|s| s.aborted()) => {
            return Err(if method.eq_ignore_ascii_case("GET") {
                "Stopped before the API answered.".into()
            } else {
                "Stopped before the API answered. The request may have reached the API all the same: check what it did before sending it again.".into()
            })
        }
        Err(_) => return Err(diagnose(url).await),
    };
    mark("answer-headers");
    let answer = |body: String, size: usize, complete: bool| {
        let received_at = now_ms();
        ApiResponse {
            method: method.to_string(),
            url: url.to_string(),
            status: res.status(),
            status_text: res.status_text(),
            ms: received_at - start,
            size,
            headers: res.headers().entries().collect(),
            body: std::sync::Arc::new(body),
            received_at,
            complete,
        }
    };
    let ok = (200..300).contains(&res.status());
    // a body whose declared length is all in is whole, whatever the stream says next
    let length: Option<usize> = res.headers().get("content-length").and_then(|n| n.parse().ok());
    // (a declared length is a hint: at most 8 MB is set aside before the bytes are in)
    let mut buf: Vec<u8> = Vec::with_capacity(length.unwrap_or(0).min(8 << 20));
    // only a caller that shows parts gets them, and only its reading waits for their frames
    let streaming = early.is_some();
    // bytes of the body shown so far, and when
    let mut shown: Option<(usize, f64)> = None;
    let mut turn = now_ms();
    if let Some(stream) = res.body() {
        use futures::future::{select, Either};
        use wasm_bindgen::JsCast;
        let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
        // `text`: the beginning of the body shown, of the `size` bytes in
        let mut show = |text: &[u8], size: usize| {
            mark("answer-early");
            if let Some(early) = early.as_mut() {
                early(answer(utf8_part(without_bom(text)), size, false));
            }
            Some((text.len(), now_ms()))
        };
        loop {
            let mut read = wasm_bindgen_futures::JsFuture::from(reader.read());
            // while part of a large answer is in and not on screen, show it: at once the first
            // time, then a quarter second after the last (or sooner, when the next part waits)
            let part = loop {
                let unshown = ok
                    && streaming
                    && buf.len() >= EARLY_BYTES
                    && length != Some(buf.len())
                    && shown.is_none_or(|(n, _)| n < buf.len());
                if !unshown {
                    break read.await;
                }
                let wait = shown.map_or(0.0, |(_, at)| EARLY_EVERY_MS - (now_ms() - at));
                if wait <= 0.0 {
                    shown = show(&buf, buf.len());
                    // the first part is painted before more is read: a body already waiting in
                    // the browser would otherwise be read to its end first
                    after_paint().await;
                    turn = now_ms();
                    continue;
                }
                match select(read, gloo_timers::future::TimeoutFuture::new(wait as u32)).await {
                    Either::Left((part, _)) => break part,
                    Either::Right((_, pending)) => {
                        read = pending;
                        shown = show(&buf, buf.len());
                    }
                }
            };
            let part = match part {
                Ok(part) => part.unchecked_into::<web_sys::ReadableStreamReadResult>(),
                Err(_) => {
                    let why = if signal.is_some_and(|s| s.aborted()) { "Stopped" } else { "The connection broke" };
                    return Err(format!(
                        "{why} while the answer arrived: the API had answered {} {} and {} of its answer had come in. The request reached the API; check what it did before sending it again.",
                        res.status(),
                        res.status_text(),
                        crate::text::human_size(buf.len())
                    ));
                }
            };
            if part.get_done().unwrap_or(true) {
                break;
            }
            // the chunk is a Uint8Array already (`Uint8Array::new` would copy it first)
            let chunk: js_sys::Uint8Array = part.get_value().unchecked_into();
            if buf.is_empty() {
                mark("answer-first-bytes");
            }
            let at = buf.len();
            let n = chunk.length() as usize;
            // the chunk that brings the first part of a big answer: only the beginning (the
            // first screens) is shown, and painted, before the chunk is copied whole, which for
            // the megabytes a browser may hand over at once takes longer than a frame
            if ok && streaming && shown.is_none() && at + n >= EARLY_BYTES && length != Some(at + n) {
                let mut first = buf.clone();
                first.extend(chunk.subarray(0, FIRST_SHOWN.saturating_sub(at).min(n) as u32).to_vec());
                shown = show(&first, at + n);
                after_paint().await;
                turn = now_ms();
            }
            // a big answer already on screen is read a few milliseconds per turn of the event
            // loop, a chunk in pieces: a body waiting whole in the browser would otherwise be
            // one long task (copying into fresh memory runs at a few milliseconds per megabyte)
            let mut from = 0;
            while from < n {
                let to = n.min(from + COPY_PIECE);
                buf.resize(at + to, 0);
                chunk.subarray(from as u32, to as u32).copy_to(&mut buf[at + from..]);
                from = to;
                if shown.is_some() && now_ms() - turn > TURN_MS {
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    turn = now_ms();
                }
            }
        }
    }
    mark("answer-arrived");
    let size = buf.len();
    Ok(answer(body_text(buf), size, true))
}

/// A whole body as text, read as `Response.text()` reads it: a byte-order mark is not part of
/// the text, and invalid UTF-8 is replaced. Without a copy when the bytes are valid.
pub fn body_text(mut bytes: Vec<u8>) -> String {
    if without_bom(&bytes).len() < bytes.len() {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The bytes without a leading UTF-8 byte-order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

/// Resolves once the next frame has been painted, or after 100 ms (a page in a hidden tab
/// paints no frames, and its reading must go on).
async fn after_paint() {
    let frame = std::pin::pin!(next_paint());
    futures::future::select(frame, gloo_timers::future::TimeoutFuture::new(100)).await;
}

/// The next frame is painted when the one after it begins (its animation frame), and the work
/// that follows waits for a task of its own: the first animation frame is the one that paints
/// what is on the page now, and work started from it would hold that frame back on a busy machine.
async fn next_paint() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let painted = js_sys::Promise::new(&mut |resolve, _| {
        let after = Closure::once_into_js(move || {
            let _ = leptos::prelude::window().set_timeout_with_callback(resolve.unchecked_ref());
        });
        let next = Closure::once_into_js(move || {
            let _ = leptos::prelude::window().request_animation_frame(after.unchecked_ref());
        });
        let _ = leptos::prelude::window().request_animation_frame(next.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(painted).await;
}

/// The part of a body that has arrived, as text: a character cut at its end is left for the
/// next part (even after an invalid byte earlier on, so the part is always the beginning of the
/// whole as [`body_text`] reads it); invalid UTF-8 is replaced.
fn utf8_part(bytes: &[u8]) -> String {
    let whole = match bytes.iter().rev().take(4).position(|b| b & 0xC0 != 0x80) {
        // the last character's first byte, `back` bytes from the end: whole when its length,
        // which that byte says, fits
        Some(i) => {
            let back = i + 1;
            let needs = match bytes[bytes.len() - back] {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            if needs > back {
                bytes.len() - back
            } else {
                bytes.len()
            }
        }
        None => bytes.len(),
    };
    String::from_utf8_lossy(&bytes[..whole]).into_owned()
}

/// `POST {base}/oauth/token` with a form body; answers the token JSON or the API's wording.
pub async fn token_request(base: &str, form: &[(&str, &str)]) -> Result<serde_json::Value, String> {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{}={}", js_sys::encode_uri_component(k), js_sys::encode_uri_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    let url = format!("{}/oauth/token", base.trim_end_matches('/'));
    let res = RequestBuilder::new(&url)
        .method(Method::POST)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body)
        .map_err(|e| e.to_string())?
        .send()
        .await;
    let res = match res {
        Ok(res) => res,
        Err(_) => return Err(diagnose(&url).await),
    };
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    if (200..300).contains(&status) && value["access_token"].is_string() {
        return Ok(value);
    }
    let message = value["Errors"][0]["Message"]
        .as_str()
        .or(value["error_description"].as_str())
        .map(String::from)
        .unwrap_or_else(|| format!("Sign-in failed with HTTP {status}."));
    let code = value["Errors"][0]["ErrorCode"].as_str().or(value["error"].as_str()).unwrap_or("");
    Err(if code.is_empty() { message } else { format!("{message} ({code})") })
}

/// Why a request to `url` failed before any answer (the browser says only "Failed to fetch"),
/// in words, with what to change. One of three, told apart without guessing:
/// - an https page calling an http API (other than loopback, which browsers exempt): the browser
///   blocked it as mixed content, and nothing was sent;
/// - the API answers a `no-cors` probe (an opaque answer reaches the page) but not the request:
///   it does not allow this page's origin (CORS);
/// - the probe fails too: the API cannot be reached (not running, wrong address, network down).
pub async fn diagnose(url: &str) -> String {
    let location = leptos::prelude::window().location();
    let page_https = location.protocol().is_ok_and(|p| p == "https:");
    let origin = location.origin().unwrap_or_default();
    let api_origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    let host = api_origin.trim_start_matches("http://").rsplit_once(':').map_or(&api_origin[..], |h| h.0).to_string();
    let loopback = ["localhost", "127.0.0.1", "[::1]"].contains(&host.as_str());
    if page_https && url.starts_with("http://") && !loopback {
        return format!(
            "Blocked by the browser (mixed content): this page is served over https ({origin}) and the API at {api_origin} over plain http, which an https page may not call. Nothing was sent. Serve the API over https (and sign in with its https address), or open the portal over http."
        );
    }
    let probe = RequestBuilder::new(url).method(Method::GET).mode(web_sys::RequestMode::NoCors).send().await;
    if probe.is_ok() {
        format!(
            "The API at {api_origin} answers, but does not allow this page's origin ({origin}): the browser refused its answer (CORS). Allow the origin {origin} in the API's CORS settings; the Gatehouse sandbox allows any origin unless started with --allow-origin, so add --allow-origin {origin} (or GATEHOUSE_ALLOW_ORIGINS) or drop the option."
        )
    } else {
        format!(
            "Could not reach the API at {api_origin}: nothing answers there. Nothing was sent. Check that the API is running (the sandbox: scripts/run) and that the address is right (the sign-in form, or api_base in config.json); else the network is down."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_leaves_a_cut_character_for_the_next_part_and_a_mark_is_dropped() {
        let text = "{\"Name\":\"Zoë\"}".as_bytes();
        let cut = text.iter().position(|&b| b == 0xC3).unwrap() + 1;
        assert_eq!(utf8_part(&text[..cut]), "{\"Name\":\"Zo");
        assert_eq!(utf8_part(text), "{\"Name\":\"Zoë\"}");
        // a byte that can never start a character is replaced, not waited for
        assert_eq!(utf8_part(b"a\xFFb"), "a\u{FFFD}b");
        // after an invalid byte, a character cut at the end is still left for the next part
        let latin = b"{\"n\":\"Jos\xE9\",\"m\":\"Zo\xC3\xAB\"}";
        let whole = body_text(latin.to_vec());
        for cut in 0..=latin.len() {
            let part = utf8_part(&latin[..cut]);
            assert!(whole.starts_with(&part), "cut {cut}: {part:?} is not the beginning of {whole:?}");
        }
        assert_eq!(utf8_part("漢\u{1F600}".as_bytes()), "漢\u{1F600}");
        assert_eq!(utf8_part(&"漢\u{1F600}".as_bytes()[..6]), "漢");
        assert_eq!(utf8_part(b"\x80\x80\x80\x80\x80"), "\u{FFFD}".repeat(5));
        assert_eq!(without_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(without_bom(b"{}"), b"{}");
        assert_eq!(body_text(b"\xEF\xBB\xBF{\"a\":\"\xFF\"}".to_vec()), "{\"a\":\"\u{FFFD}\"}");
        assert_eq!(body_text(b"{}".to_vec()), "{}");
    }

    /// The same as the browser's `encodeURIComponent` (its answers written out here).
    #[test]
    fn a_value_is_encoded_as_encode_uri_component_does() {
        assert_eq!(enc("GET /adminusers"), "GET%20%2Fadminusers");
        assert_eq!(enc("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
        assert_eq!(
            enc("Zoë & ?#=/+%\"\\:;,@$[]{}|^`<>"),
            "Zo%C3%AB%20%26%20%3F%23%3D%2F%2B%25%22%5C%3A%3B%2C%40%24%5B%5D%7B%7D%7C%5E%60%3C%3E"
        );
        assert_eq!(enc("漢\u{1F600}\n"), "%E6%BC%A2%F0%9F%98%80%0A");
    }
}

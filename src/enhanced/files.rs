//! Files in and out of the browser: the text of a chosen file (`input type=file`), and text
//! saved as a download (a Blob behind a link with `download`, as a person's browser saves any).
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The name and text of the file chosen in the `change` event of a file input.
pub async fn chosen_text(ev: &leptos::ev::Event) -> Option<(String, Result<String, String>)> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files().and_then(|f| f.get(0))?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| format!("{} could not be read as text.", file.name()));
    Some((file.name(), text))
}

/// Saves `text` as a file named `name` of type `mime`.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let Ok(a) = document().create_element("a") else { return };
    let _ = a.set_attribute("href", &url);
    let _ = a.set_attribute("download", name);
    let _ = a.set_attribute("hidden", "");
    let _ = document().body().map(|b| b.append_child(&a));
    a.unchecked_ref::<web_sys::HtmlElement>().click();
    a.remove();
    // the browser holds the file once the click is handled; the address is freed a little later
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

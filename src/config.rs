//! Run-time configuration from `config.json` beside `index.html`: edit it after the build to
//! point `dist/` at another API, no rebuild needed.
use gatehouse_model::read;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuntimeConfig {
    /// API host, without `/v1` (e.g. `https://sandboxapi.ordercloud.io`).
    pub api_base: String,
    /// API client ID offered on the sign-in screen.
    pub client_id: String,
    /// Storefront URL opened with an impersonation token.
    pub storefront_url: String,
    /// Acting as a buyer user needs no reason (`"impersonation_reason_required": false`); by
    /// default the launcher asks for one.
    pub impersonation_reason_optional: bool,
}

/// The file's settings; the API defaults to the portal's own origin when the file is missing,
/// unreadable or leaves `api_base` empty.
pub async fn load() -> RuntimeConfig {
    let mut config = RuntimeConfig::default();
    if let Ok(res) = gloo_net::http::Request::get("config.json").send().await {
        if let (true, Ok(v)) = (res.ok(), res.json::<serde_json::Value>().await) {
            config = RuntimeConfig {
                api_base: read::text(&v, "api_base"),
                client_id: read::text(&v, "client_id"),
                storefront_url: read::text(&v, "storefront_url"),
                impersonation_reason_optional: v["impersonation_reason_required"] == false,
            };
        }
    }
    if config.api_base.is_empty() {
        config.api_base = leptos::prelude::window().location().origin().unwrap_or_default();
    }
    config
}

//! Run-time configuration from `config.json` beside `index.html`: edit it after the build to
//! point `dist/` at another API, no rebuild needed.
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct RuntimeConfig {
    /// API host, without `/v1` (e.g. `https://sandboxapi.ordercloud.io`).
    pub api_base: String,
    /// API client ID offered on the sign-in screen.
    pub client_id: String,
    /// Storefront URL opened with an impersonation token.
    pub storefront_url: String,
}

pub async fn load() -> RuntimeConfig {
    let fallback = RuntimeConfig { api_base: leptos::prelude::window().location().origin().unwrap_or_default(), ..Default::default() };
    match gloo_net::http::Request::get("config.json").send().await {
        Ok(res) if res.ok() => res.json::<RuntimeConfig>().await.unwrap_or(fallback),
        _ => fallback,
    }
}

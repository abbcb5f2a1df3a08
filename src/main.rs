//! Gatehouse portal: a Leptos client-side app for establishing and operating API access on an
//! OrderCloud-style API. Data flows one way: API description → resource directory → screen →
//! request → response view.
mod api;
mod app;
mod auth;
mod components;
mod config;
mod console;
mod data;
mod enhanced;
mod fields;
mod json;
mod route;
mod spec;
mod text;

fn main() {
    console_error_panic_hook::set_once();
    api::mark("wasm-started");
    leptos::mount::mount_to_body(
        || leptos::view! { <leptos_router::components::Router><app::App/></leptos_router::components::Router> },
    );
}

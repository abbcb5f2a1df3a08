// Asks for the API description while the WASM downloads and compiles, for a person who comes
// back signed in: the address the console would ask for (src/console: spec_source), read from
// the same storage (src/auth: Session::load). The app takes the answer only when its own
// address is this one, and asks itself otherwise (src/console: preloaded).
(() => {
  try {
    // a sign-in or invitation link opens its own page (src/components/account.rs: take)
    const q = new URLSearchParams(location.search);
    if (q.has('session') || q.has('invitation')) return;
    const list = (s) => {
      try {
        const v = JSON.parse(s.getItem('gatehouse.contexts') || '[]');
        return Array.isArray(v) ? v : [];
      } catch { return []; }
    };
    const id = (c) => `${c.base_url}|${c.client_id}|${c.username}`;
    const text = (v) => typeof v === 'string' && v !== '';
    const contexts = [...list(localStorage), ...list(sessionStorage)]
      .filter((c) => c && text(c.base_url) && text(c.client_id) && text(c.username) && text(c.access_token));
    if (!contexts.length) return;
    const active = sessionStorage.getItem('gatehouse.active') ?? localStorage.getItem('gatehouse.active');
    const context = contexts.find((c) => id(c) === active) ?? contexts[0];
    const url = localStorage.getItem('gatehouse.spec_url') || `${context.base_url.replace(/\/+$/, '')}/v1/openapi/v3`;
    // only a whole, successful answer is handed over (null: the app asks again and says why)
    const body = fetch(url).then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null);
    window.gatehouseEarly = { url, body };
  } catch {
    // storage refused (a sandboxed frame): the app asks for the description itself
  }
})();

// Compiles the WASM while it downloads: the module is the one index.html preloads (the same
// request, taken over while it arrives), compiled off the page's thread as its bytes come in.
// Trunk's loader (made to wait for it by scripts/post-build.mjs) instantiates this module, or
// fetches the file itself when it could not be compiled here (a host that serves .wasm with
// another type).
(() => {
  const link = document.querySelector('link[rel="preload"][as="fetch"][type="application/wasm"]');
  if (!link || typeof WebAssembly.compileStreaming !== 'function') return;
  window.gatehouseWasm = WebAssembly.compileStreaming(
    fetch(link.href, { integrity: link.integrity, credentials: 'same-origin', mode: 'cors' }),
  ).catch(() => null);
})();

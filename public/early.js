// Asks for the API description while the WASM downloads and compiles, for a person who comes
// back signed in: the address the console would ask for (src/console: spec_source), read from
// the same storage (src/auth: Session::load). The app takes the answer only when its own
// address is this one, and asks itself otherwise (src/console: preloaded).
(() => {
  try {
    if (/[?&](session|invitation)=/.test(location.search)) return;
    const list = (s) => {
      try { return JSON.parse(s.getItem('gatehouse.contexts') || '[]'); } catch { return []; }
    };
    const id = (c) => `${c.base_url}|${c.client_id}|${c.username}`;
    const contexts = [...list(localStorage), ...list(sessionStorage)]
      .filter((c) => c && c.base_url && c.client_id && c.username && c.access_token);
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

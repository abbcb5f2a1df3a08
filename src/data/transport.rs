//! The transport under every screen: calls to the API through `Session::send` (the caller in
//! force, timing, errors in the API's shape), their answers as JSON or as [`Problem`]s.
use super::problem::{explain, one_line, Problem};
use crate::auth::{Caller, Session};
use serde_json::Value;

/// Calls the API (as the acting user while impersonating); the JSON answer, or its problems.
pub async fn call(session: Session, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Vec<Problem>> {
    call_as(session, Caller::ActingAs, method, path, body).await
}

/// [`call`], choosing the token: `own` is the signed-in user's even while acting as someone
/// (the launcher works as the rep).
pub async fn call_as(
    session: Session,
    caller: Caller,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, Vec<Problem>> {
    call_with(session, caller, method, path, body, None).await
}

/// A GET that belongs to a [`Latest`] series: `None` when a newer load began meanwhile (or the
/// screen went away), so its answer is dropped.
pub async fn load_latest(
    session: Session,
    caller: Caller,
    path: &str,
    latest: crate::api::Latest,
) -> Option<Result<Value, Vec<Problem>>> {
    let ticket = latest.begin();
    let r = call_with(session, caller, "GET", path, None, ticket.signal.as_ref()).await;
    latest.is_current(&ticket).then_some(r)
}

/// [`call_as`], abortable by `signal`.
pub async fn call_with(
    session: Session,
    caller: Caller,
    method: &str,
    path: &str,
    body: Option<&Value>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Value, Vec<Problem>> {
    let text = body.map(|b| b.to_string());
    let res = session
        .send(method, &session.url(path), text.as_deref(), caller, signal)
        .await
        .map_err(|e| vec![Problem::network(e)])?;
    if res.ok() {
        if res.body.trim().is_empty() {
            return Ok(Value::Null);
        }
        // an answer that cannot be read is said to be so, never taken for an empty one
        return serde_json::from_str(&res.body).map_err(|e| {
            vec![Problem {
                status: res.status,
                code: "UnreadableAnswer".into(),
                message: format!(
                    "The API answered {} with {} that the portal cannot read as JSON ({e}).",
                    res.status,
                    crate::text::human_size(res.size)
                ),
                explain: Some("The raw console shows it as sent.".into()),
                data: Value::Null,
            }]
        });
    }
    let errs = res.errors().map(|b| b.errors).unwrap_or_default();
    if errs.is_empty() {
        return Err(vec![Problem {
            status: res.status,
            code: format!("HTTP {}", res.status),
            message: format!("The API answered {} {}.", res.status, res.status_text),
            explain: explain(res.status, "", &Value::Null),
            data: Value::Null,
        }]);
    }
    Err(errs
        .into_iter()
        .map(|e| {
            let data = e.data.clone();
            Problem {
                status: res.status,
                explain: explain(res.status, &e.error_code, &data),
                code: e.error_code,
                message: e.message,
                data,
            }
        })
        .collect())
}

/// Every item of a list (following pages, up to `limit` items).
pub async fn list_all(session: Session, path: &str, limit: usize) -> Result<Vec<Value>, Vec<Problem>> {
    list_all_as(session, Caller::ActingAs, path, &[], limit).await
}

/// [`list_all`], choosing the token as [`call_as`] does.
pub async fn list_all_as(
    session: Session,
    caller: Caller,
    path: &str,
    params: &[(&str, &str)],
    limit: usize,
) -> Result<Vec<Value>, Vec<Problem>> {
    let params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut q = gatehouse_model::list::ListQuery { page_size: 100, params, ..Default::default() };
    let mut out = Vec::new();
    for page in 1.. {
        q.page = page;
        let v = call_as(session, caller, "GET", &crate::api::with_query(path, &q), None).await?;
        let items = v["Items"].as_array().cloned().unwrap_or_default();
        out.extend(items);
        let pages = v["Meta"]["TotalPages"].as_u64().unwrap_or(1);
        if page as u64 >= pages || out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// GET with the signed-in user's own token (never an act-as one); problems in one line. What
/// the launcher and the checklist read with.
pub async fn get_as_me(session: Session, path: &str) -> Result<Value, String> {
    call_as(session, Caller::Me, "GET", path, None).await.map_err(|p| one_line(&p))
}

/// The roles of the token the screens call with (the acting user's while impersonating).
pub fn held_roles(session: Session) -> Vec<String> {
    session.in_force().info.role
}

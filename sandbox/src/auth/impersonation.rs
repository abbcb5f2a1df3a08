//! `POST /buyers/{buyerID}/users/{userID}/accesstoken`: a token to act as a buyer user, granted
//! only where an impersonation config matches the impersonator, the user and the API client.
use crate::auth::caller::Caller;
use crate::http::error::{Failure, Result};
use crate::http::JsonBody;
use crate::http::{json_response, Params};
use crate::storage::db;
use crate::storage::roles::groups_of;
use crate::App;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_model::error::codes;
use gatehouse_model::impersonation::{config_matches, Impersonator, Target};
use gatehouse_model::impersonation::{ENDED_BY_CLOCK, ENDED_BY_REP};
use gatehouse_model::resources::{self as res, Kind, UserType};
use gatehouse_model::types::{AccessToken, ApiClient, Claims, ImpersonateTokenRequest, ImpersonationConfig};
use gatehouse_model::validate::{self, Mode};
use serde_json::{json, Map, Value};

pub async fn access_token(app: App, caller: Caller, params: Params, body: JsonBody) -> Result<Response> {
    caller.require(&["BuyerImpersonation"])?;
    if caller.user_type == UserType::Supplier || caller.anonymous {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::OUTSIDE_COMPANY,
            "Only admin users and buyer users (within their own buyer) may impersonate.",
        ));
    }
    let value = body.value()?;
    let fields = validate::validate(&res::IMPERSONATE_TOKEN_REQUEST, &["ClientID"], &value, Mode::Full)
        .map_err(Failure::validation)?;
    let req: ImpersonateTokenRequest = serde_json::from_value(Value::Object(fields)).unwrap_or_default();
    let buyer_id = params.get("buyerID").cloned().unwrap_or_default();
    let user_id = params.get("userID").cloned().unwrap_or_default();
    if caller.impersonator.is_some() {
        return Err(Failure::bad_request(
            codes::IMPERSONATION_CONFIG,
            "An impersonation token cannot start another impersonation.",
        ));
    }
    // checked before anything is looked up, so another company's IDs reveal nothing
    if caller.user_type == UserType::Buyer && caller.company != buyer_id {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::IMPERSONATION_CONFIG,
            format!(
                "A buyer user may only impersonate users of its own buyer ({}), not of {buyer_id}.",
                caller.company
            ),
        ));
    }
    let conn = app.conn()?;
    let buyer = db::must_get(&conn, Kind::Buyer, "", &buyer_id)?;
    let target = db::must_get(&conn, Kind::BuyerUser, &buyer_id, &user_id)?;
    let client_obj = db::must_get(&conn, Kind::ApiClient, "", &req.client_id)?;
    let mut cd = client_obj.data.clone();
    cd.insert("ID".into(), Value::String(client_obj.id.clone()));
    let client: ApiClient = serde_json::from_value(Value::Object(cd)).unwrap_or_default();

    let me = db::by_seq(&conn, caller.user_seq)?
        .ok_or_else(|| Failure::unauthorized("The user of this token no longer exists."))?;
    let my_groups = groups_of(&conn, caller.user_type, &me.parent, &me.id)?;
    let target_groups = groups_of(&conn, UserType::Buyer, &buyer_id, &user_id)?;
    let configs: Vec<ImpersonationConfig> = db::list(&conn, Kind::ImpersonationConfig, "")?
        .into_iter()
        .filter_map(|o| {
            let mut d = o.data;
            d.insert("ID".into(), Value::String(o.id));
            serde_json::from_value(Value::Object(d)).ok()
        })
        .collect();
    let matching: Vec<&ImpersonationConfig> = configs
        .iter()
        .filter(|c| c.client_id == client.id)
        .filter(|c| {
            let who =
                Impersonator { user_type: caller.user_type, company: &me.parent, user_id: &me.id, groups: &my_groups };
            config_matches(c, &who, &Target { buyer_id: &buyer_id, user_id: &user_id, groups: &target_groups })
        })
        .collect();
    let Some(cfg) = matching.first() else {
        let who =
            Impersonator { user_type: caller.user_type, company: &me.parent, user_id: &me.id, groups: &my_groups };
        let missing = gatehouse_model::impersonation::what_is_missing(
            &who,
            &caller.claims.usr,
            &Target { buyer_id: &buyer_id, user_id: &user_id, groups: &target_groups },
        );
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::IMPERSONATION_CONFIG,
            format!("{} (API client {})", missing, client.id),
        )
        .data(json!({"ImpersonatorUserID": me.id, "BuyerID": buyer_id, "UserID": user_id, "ClientID": client.id})));
    };
    if target.data.get("Active").and_then(Value::as_bool) != Some(true) {
        return Err(Failure::bad_request("Auth.UserNotActive", format!("User {user_id} is not active.")));
    }
    if buyer.data.get("Active").and_then(Value::as_bool) == Some(false) {
        return Err(Failure::bad_request(
            "Auth.UserNotActive",
            format!("Buyer {buyer_id} is not active, so its users cannot be acted as."),
        ));
    }
    if !client.active {
        return Err(Failure::bad_request(
            "Auth.ClientNotActive",
            format!("API client {} of this impersonation config is not active.", client.id),
        ));
    }
    if !crate::auth::oauth::client_allows(&conn, &client, UserType::Buyer, &buyer_id)? {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Auth.UnauthorizedClient",
            format!("API client {} does not admit users of buyer {buyer_id} (neither AllowAnyBuyer nor an assignment), so it cannot carry their token.", client.id),
        ));
    }
    let profile = db::must_get(&conn, Kind::SecurityProfile, "", &cfg.security_profile_id)?;
    let strings = |k: &str| -> Vec<String> {
        profile
            .data
            .get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    };
    let (granted, granted_custom) = (strings("Roles"), strings("CustomRoles"));
    let mut roles: Vec<String> = if req.roles.is_empty() {
        granted.clone()
    } else {
        granted.iter().filter(|r| req.roles.contains(r)).cloned().collect()
    };
    roles.extend(
        granted_custom
            .into_iter()
            .filter(|r| !gatehouse_model::roles::is_role(r))
            .filter(|r| req.custom_roles.is_empty() || req.custom_roles.contains(r)),
    );
    drop(conn);
    let (token, claims) = crate::auth::oauth::access_token(
        &app,
        &target,
        UserType::Buyer,
        &client.id,
        client_obj.seq,
        client.access_token_duration,
        roles,
        crate::auth::oauth::Issue::Impersonation { by: me.seq.to_string() },
    );
    record(&app, &me, &target, &buyer_id, &client, &claims)?;
    Ok(json_response(
        StatusCode::OK,
        &AccessToken {
            access_token: token,
            token_type: "bearer".into(),
            expires_in: claims.exp - claims.nbf,
            refresh_token: None,
        },
    ))
}

fn rfc3339(secs: i64) -> Value {
    match crate::storage::clock::rfc3339(secs.saturating_mul(1000)) {
        t if t.is_empty() => Value::Null,
        t => Value::String(t),
    }
}

/// Records an impersonation token issued (the act-as audit).
fn record(
    app: &App,
    rep: &db::Obj,
    target: &db::Obj,
    buyer_id: &str,
    client: &ApiClient,
    claims: &Claims,
) -> Result<()> {
    let name = |o: &db::Obj| o.data.get("Username").cloned().unwrap_or(Value::Null);
    let data = json!({
        "ImpersonatorUserID": rep.id, "ImpersonatorUsername": name(rep),
        "ImpersonatorType": Kind::from_key(&rep.kind).and_then(Kind::user_type).map(UserType::as_str),
        "UserID": target.id, "Username": name(target), "BuyerID": buyer_id,
        "ClientID": client.id, "ClientName": client.app_name,
        "Roles": claims.role, "Issued": rfc3339(claims.nbf), "Expires": rfc3339(claims.exp),
        "TokenID": claims.jti,
    });
    let issued = crate::auth::caller::issued_ms(claims);
    db::write(&app.pool, |tx| {
        tx.execute(
            "INSERT INTO impersonations (rep_seq, user_seq, data, issued_ms) VALUES (?1, ?2, ?3, ?4)",
            r2d2_sqlite::rusqlite::params![rep.seq, target.seq, serde_json::to_string(&data)?, issued],
        )?;
        Ok(())
    })
}

/// `GET /v1/impersonations` (sandbox extension): every impersonation token issued, newest first,
/// with whether it has been revoked since; for admin users holding BuyerImpersonation.
pub async fn log(app: App, caller: Caller, raw: Option<String>) -> Result<Response> {
    caller.require(IMPERSONATION_LOG_ROLES)?;
    caller.seller_only("Impersonation records")?;
    let rows: Vec<(i64, i64, i64, String, i64)> = {
        let conn = app.conn()?;
        let mut st = conn
            .prepare_cached("SELECT seq, rep_seq, user_seq, data, issued_ms FROM impersonations ORDER BY seq DESC")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    let items: Vec<serde_json::Map<String, Value>> = rows
        .into_iter()
        .filter_map(|(seq, rep, user, data, issued)| {
            let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&data) else { return None };
            Some(shown(&app, seq, rep, user, issued, m))
        })
        .collect();
    let spec = crate::http::list::ListSpec {
        schema: &res::IMPERSONATION_RECORD,
        search_on: res::IMPERSONATION_RECORD_SEARCH,
        sort_by: res::IMPERSONATION_RECORD_SORT,
        params: &[],
    };
    let q = crate::http::list::parse(raw.as_deref(), &spec)?;
    Ok(json_response(StatusCode::OK, &crate::http::list::apply(items, &q, &spec)))
}

/// A record as the API shows it: its ID, whether its token is revoked (its rep's or user's
/// tokens revoked since, or the session ended by its rep), and no token ID.
fn shown(app: &App, seq: i64, rep: i64, user: i64, issued: i64, mut m: Map<String, Value>) -> Map<String, Value> {
    let ended = m.remove("TokenRevoked").and_then(|v| v.as_bool()).unwrap_or(false);
    m.remove("TokenID");
    let revoked = ended || [rep, user].iter().any(|s| app.revoked_before(*s).is_some_and(|b| issued < b));
    m.insert("ID".into(), Value::String(seq.to_string()));
    m.insert("Revoked".into(), Value::Bool(revoked));
    m
}

type Row = (i64, i64, i64, String, i64);

fn row(conn: &db::Conn, sql: &str, key: impl r2d2_sqlite::rusqlite::ToSql) -> Result<Option<Row>> {
    use r2d2_sqlite::rusqlite::OptionalExtension;
    let mut st = conn.prepare_cached(sql)?;
    Ok(st.query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).optional()?)
}

fn save(app: &App, seq: i64, m: &Map<String, Value>) -> Result<()> {
    db::write(&app.pool, |tx| {
        tx.execute(
            "UPDATE impersonations SET data = ?2 WHERE seq = ?1",
            r2d2_sqlite::rusqlite::params![seq, serde_json::to_string(m)?],
        )?;
        Ok(())
    })
}

/// `POST /v1/impersonation/sessions` (sandbox extension), sent with the act-as token itself:
/// the reason for the session that token belongs to (a ticket number or words, at most
/// [`REASON_MAX`] characters), kept in the record supervisors read. Answers the record (201).
/// OrderCloud's token request stays as it is; the reason travels beside it.
pub async fn start_session(app: App, caller: Caller, body: JsonBody) -> Result<Response> {
    if caller.impersonator.is_none() {
        return Err(Failure::bad_request(
            codes::IMPERSONATION_CONFIG,
            "Send the reason with the impersonation token itself: it names the session the reason belongs to.",
        ));
    }
    let value = body.value()?;
    let fields = validate::validate(&res::IMPERSONATION_SESSION, &["Reason"], &value, Mode::Full)
        .map_err(Failure::validation)?;
    let reason = fields.get("Reason").and_then(Value::as_str).unwrap_or("").trim().to_string();
    if reason.is_empty() {
        return Err(Failure::validation(vec![gatehouse_model::error::ApiError::new(
            codes::VALIDATION,
            "Reason is required: a ticket number or a few words.",
        )
        .with_data(json!({"Property": "Reason", "Rule": "Required"}))]));
    }
    let jti = caller.claims.jti.clone().unwrap_or_default();
    let conn = app.conn()?;
    let Some((seq, rep, user, data, issued)) = row(
        &conn,
        "SELECT seq, rep_seq, user_seq, data, issued_ms FROM impersonations WHERE json_extract(data, '$.TokenID') = ?1",
        &jti,
    )?
    else {
        return Err(Failure::not_found("ImpersonationSession", &jti));
    };
    drop(conn);
    let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(&data) else {
        return Err(Failure::internal("unreadable impersonation record"));
    };
    if m.get("Reason").is_some_and(|r| r.as_str().is_some_and(|r| !r.is_empty())) {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            codes::IMPERSONATION_CONFIG,
            "This session has its reason already; a reason is given once, when the session starts.",
        ));
    }
    m.insert("Reason".into(), Value::String(reason));
    save(&app, seq, &m)?;
    Ok(json_response(StatusCode::CREATED, &shown(&app, seq, rep, user, issued, m)))
}

/// `POST /v1/impersonation/sessions/{id}/end` (sandbox extension), sent with the rep's own
/// token: who ended the session (`Rep` or `Clock`) and how many requests the portal sent as the
/// buyer. Ended by the rep before it expired, the impersonation token is revoked at once. Only
/// the rep who started the session ends it; a second end changes nothing. Answers the record.
pub async fn end_session(app: App, caller: Caller, id: String, body: JsonBody) -> Result<Response> {
    caller.seller_only("Impersonation sessions")?;
    if caller.impersonator.is_some() {
        return Err(Failure::bad_request(
            codes::IMPERSONATION_CONFIG,
            "End a session with the rep's own token, not with the impersonation token.",
        ));
    }
    let value = body.value()?;
    let fields = validate::validate(&res::IMPERSONATION_SESSION_END, &["EndedBy"], &value, Mode::Full)
        .map_err(Failure::validation)?;
    let by = fields.get("EndedBy").and_then(Value::as_str).unwrap_or("");
    if ![ENDED_BY_REP, ENDED_BY_CLOCK].contains(&by) {
        return Err(Failure::validation(vec![gatehouse_model::error::ApiError::new(
            codes::VALIDATION,
            format!("EndedBy is {ENDED_BY_REP} or {ENDED_BY_CLOCK}."),
        )
        .with_data(json!({"Property": "EndedBy", "Rule": "Enum", "Values": [ENDED_BY_REP, ENDED_BY_CLOCK]}))]));
    }
    let requests = fields.get("Requests").and_then(Value::as_i64).unwrap_or(0);
    let conn = app.conn()?;
    let found = id.parse::<i64>().ok().map(|seq| {
        row(&conn, "SELECT seq, rep_seq, user_seq, data, issued_ms FROM impersonations WHERE seq = ?1", seq)
    });
    drop(conn);
    // another rep's session is not there for this one
    let Some((seq, rep, user, data, issued)) = found.transpose()?.flatten().filter(|r| r.1 == caller.user_seq) else {
        return Err(Failure::not_found("ImpersonationSession", &id));
    };
    let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(&data) else {
        return Err(Failure::internal("unreadable impersonation record"));
    };
    if m.get("Ended").is_none_or(Value::is_null) {
        let now = crate::storage::clock::now_ms();
        m.insert("Ended".into(), Value::String(crate::storage::clock::rfc3339(now)));
        m.insert("EndedBy".into(), Value::String(by.to_string()));
        m.insert("Requests".into(), Value::from(requests));
        let expires = m.get("Expires").and_then(Value::as_str).map(crate::storage::clock::parse_rfc3339);
        let jti = m.get("TokenID").and_then(Value::as_str).map(String::from);
        if let (Some(jti), true) = (jti, expires.flatten().is_none_or(|e| e > now)) {
            m.insert("TokenRevoked".into(), Value::Bool(true));
            save(&app, seq, &m)?;
            app.revoke_token(&jti);
        } else {
            save(&app, seq, &m)?;
        }
    }
    Ok(json_response(StatusCode::OK, &shown(&app, seq, rep, user, issued, m)))
}

/// Who may read the impersonation records (FullAccess passes too); the API document names the same.
pub use crate::http::openapi::IMPERSONATION_LOG_ROLES;

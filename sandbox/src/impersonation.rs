//! `POST /buyers/{buyerID}/users/{userID}/accesstoken`: a token to act as a buyer user, granted
//! only where an impersonation config matches the impersonator, the user and the API client.
use crate::auth::Caller;
use crate::crud::{json_response, parse_body, Params};
use crate::db;
use crate::error::{Failure, Result};
use crate::roles::groups_of;
use crate::App;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_model::error::codes;
use gatehouse_model::impersonation::{config_matches, Impersonator, Target};
use gatehouse_model::resources::{self as res, Kind, UserType};
use gatehouse_model::types::{AccessToken, ApiClient, ImpersonateTokenRequest, ImpersonationConfig};
use gatehouse_model::validate::{self, Mode};
use serde_json::{json, Value};

pub async fn access_token(app: App, caller: Caller, params: Params, body: Bytes) -> Result<Response> {
    caller.require(&["BuyerImpersonation"])?;
    let value = parse_body(&body)?;
    let fields = validate::validate(&res::IMPERSONATE_TOKEN_REQUEST, &["ClientID"], &value, Mode::Full).map_err(Failure::validation)?;
    let req: ImpersonateTokenRequest = serde_json::from_value(Value::Object(fields)).unwrap_or_default();
    let buyer_id = params.get("buyerID").cloned().unwrap_or_default();
    let user_id = params.get("userID").cloned().unwrap_or_default();
    let conn = app.conn()?;
    db::must_get(&conn, Kind::Buyer, "", &buyer_id)?;
    let target = db::must_get(&conn, Kind::BuyerUser, &buyer_id, &user_id)?;
    let client_obj = db::must_get(&conn, Kind::ApiClient, "", &req.client_id)?;
    let mut cd = client_obj.data.clone();
    cd.insert("ID".into(), Value::String(client_obj.id.clone()));
    let client: ApiClient = serde_json::from_value(Value::Object(cd)).unwrap_or_default();

    let me = db::by_seq(&conn, caller.user_seq)?.ok_or_else(|| Failure::unauthorized("The user of this token no longer exists."))?;
    if caller.claims.imp.is_some() {
        return Err(Failure::bad_request(codes::IMPERSONATION_CONFIG, "An impersonation token cannot start another impersonation."));
    }
    if caller.user_type == UserType::Buyer && me.parent != buyer_id {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::IMPERSONATION_CONFIG,
            format!("A buyer user may only impersonate users of its own buyer ({}), not of {buyer_id}.", me.parent),
        ));
    }
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
            let who = Impersonator { user_type: caller.user_type, company: &me.parent, user_id: &me.id, groups: &my_groups };
            config_matches(c, &who, &Target { buyer_id: &buyer_id, user_id: &user_id, groups: &target_groups })
        })
        .collect();
    let Some(cfg) = matching.first() else {
        let who = Impersonator { user_type: caller.user_type, company: &me.parent, user_id: &me.id, groups: &my_groups };
        let missing = gatehouse_model::impersonation::what_is_missing(&who, &caller.claims.usr, &Target { buyer_id: &buyer_id, user_id: &user_id, groups: &target_groups });
        return Err(Failure::new(StatusCode::FORBIDDEN, codes::IMPERSONATION_CONFIG, format!("{} (API client {})", missing, client.id))
        .data(json!({"ImpersonatorUserID": me.id, "BuyerID": buyer_id, "UserID": user_id, "ClientID": client.id})));
    };
    if target.data.get("Active").and_then(Value::as_bool) != Some(true) {
        return Err(Failure::bad_request("Auth.UserNotActive", format!("User {user_id} is not active.")));
    }
    let profile = db::must_get(&conn, Kind::SecurityProfile, "", &cfg.security_profile_id)?;
    let strings = |k: &str| -> Vec<String> {
        profile.data.get(k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
    };
    let (granted, granted_custom) = (strings("Roles"), strings("CustomRoles"));
    let mut roles: Vec<String> = if req.roles.is_empty() { granted.clone() } else { granted.iter().filter(|r| req.roles.contains(r)).cloned().collect() };
    roles.extend(granted_custom.into_iter().filter(|r| req.custom_roles.is_empty() || req.custom_roles.contains(r)));
    drop(conn);
    let (token, expires_in) = crate::oauth::access_token(&app, &target, UserType::Buyer, &client.id, client.access_token_duration, roles, crate::oauth::Issue::Impersonation { by: me.seq.to_string() });
    Ok(json_response(StatusCode::OK, &AccessToken { access_token: token, token_type: "bearer".into(), expires_in, refresh_token: None }))
}

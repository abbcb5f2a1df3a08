//! Bearer tokens on requests: who is calling, with which roles, and the role checks.
use crate::error::{Failure, Result};
use crate::App;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, StatusCode};
use gatehouse_model::error::codes;
use gatehouse_model::resources::UserType;
use gatehouse_model::roles::{allows, FULL_ACCESS};
use gatehouse_model::types::Claims;
use serde_json::json;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub claims: Claims,
    pub user_type: UserType,
    /// Internal sequence number of the user (the `u` claim).
    pub user_seq: i64,
}

impl Caller {
    /// Refuses with 403 unless the token holds one of `accepted` (or FullAccess).
    pub fn require(&self, accepted: &[&str]) -> Result<()> {
        if allows(&self.claims.role, accepted) {
            return Ok(());
        }
        let mut sufficient = vec![FULL_ACCESS.to_string()];
        sufficient.extend(accepted.iter().map(|r| r.to_string()));
        let have = if self.claims.role.is_empty() { "none".to_string() } else { self.claims.role.join(", ") };
        Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::INSUFFICIENT_ROLES,
            format!("This request needs one of these roles: {}. The token has: {have}.", sufficient.join(", ")),
        )
        .data(json!({"SufficientRoles": sufficient, "AssignedRoles": self.claims.role})))
    }
}

/// Milliseconds since the epoch at which a token was issued, from its `jti` (`<ms hex>.<rand>`).
pub fn issued_ms(claims: &Claims) -> i64 {
    claims
        .jti
        .as_deref()
        .and_then(|j| j.split('.').next())
        .and_then(|h| i64::from_str_radix(h, 16).ok())
        .unwrap_or(claims.nbf * 1000)
}

impl FromRequestParts<App> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Caller> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Failure::unauthorized("No access token: send `Authorization: Bearer <token>`."));
        };
        let text = value.to_str().unwrap_or("");
        let token = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Failure::unauthorized("The Authorization header must be `Bearer <token>`."))?;
        let claims = app.verify(token)?;
        let user_type = UserType::parse(&claims.usrtype).ok_or_else(|| Failure::unauthorized("The token names an unknown user type."))?;
        let user_seq = claims.u.parse().map_err(|_| Failure::unauthorized("The token names an unknown user."))?;
        if let Some(before) = app.revoked_before(user_seq) {
            if issued_ms(&claims) < before {
                return Err(Failure::unauthorized("This token has been revoked. Sign in again."));
            }
        }
        Ok(Caller { claims, user_type, user_seq })
    }
}

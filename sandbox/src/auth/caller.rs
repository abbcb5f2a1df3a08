//! Bearer tokens on requests: who is calling, with which roles, and the role checks.
use crate::http::error::{Failure, Result};
use crate::App;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, StatusCode};
use gatehouse_model::error::codes;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::roles::{allows, ungrantable, FULL_ACCESS, GRANT_FOR_ANY_ROLE};
use gatehouse_model::types::Claims;
use serde_json::json;

/// The authenticated caller of a request, as the database says it is now.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The marketplace of the token's organization: every read and write of the request.
    pub app: App,
    pub claims: Claims,
    pub user_type: UserType,
    /// Internal sequence number of the user (the `u` claim).
    pub user_seq: i64,
    /// The user's ID and company ('' for admin users) today, not when the token was issued.
    pub user_id: String,
    pub company: String,
    /// The impersonating user's internal sequence number (the `imp` claim).
    pub impersonator: Option<i64>,
    /// An anonymous shopper (a token carrying `orderid`): it acts with its template user's
    /// roles and assignments but is not that user.
    pub anonymous: bool,
}

/// What a token's user, client and impersonator look like now; cached per write generation.
#[derive(Debug, Clone)]
pub struct Present {
    pub user_id: String,
    pub company: String,
    /// The row of the token's API client today (its incarnation: a client deleted and made
    /// again under the same ID has another row).
    pub client_seq: i64,
}

impl Caller {
    /// Buyer and supplier users work only inside their own company: refuses them with 403 on
    /// what belongs to the seller (API clients, security profiles, admin users and groups,
    /// impersonation configs and the assignments of these), whatever their roles.
    pub fn seller_only(&self, what: &str) -> Result<()> {
        if self.user_type == UserType::Admin {
            return Ok(());
        }
        Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::OUTSIDE_COMPANY,
            format!(
                "{what} belong to the seller organization; {} users work only inside their own company.",
                self.user_type.as_str()
            ),
        ))
    }

    /// May this caller see an object of `kind` with `id` under `parent`? Admin users see
    /// everything; buyer and supplier users only their own company and what is under it, and an
    /// anonymous shopper never its template user.
    pub fn sees(&self, kind: Kind, parent: &str, id: &str, seq: i64) -> bool {
        if self.anonymous && kind.user_type().is_some() && seq == self.user_seq {
            return false;
        }
        let own = |t: UserType| self.user_type == t;
        match self.user_type {
            UserType::Admin => true,
            _ => match kind {
                Kind::Buyer => own(UserType::Buyer) && id == self.company,
                Kind::Supplier => own(UserType::Supplier) && id == self.company,
                k => match k.def().parent {
                    Some(Kind::Buyer) => own(UserType::Buyer) && parent == self.company,
                    Some(Kind::Supplier) => own(UserType::Supplier) && parent == self.company,
                    _ => false,
                },
            },
        }
    }

    /// Refuses with 403 when the security profile roles `granted` hold a role the caller does
    /// not hold, unless it holds FullAccess or GrantForAnyRole.
    pub fn may_grant(&self, granted: &[String], what: &str) -> Result<()> {
        let missing = ungrantable(&self.claims.role, granted);
        if missing.is_empty() {
            return Ok(());
        }
        Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::INSUFFICIENT_ROLES,
            format!(
                "{what} would grant roles you do not hold ({}); that needs FullAccess or GrantForAnyRole.",
                missing.join(", ")
            ),
        )
        .data(json!({"SufficientRoles": [FULL_ACCESS, GRANT_FOR_ANY_ROLE], "AssignedRoles": self.claims.role, "MissingRoles": missing})))
    }

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
        // the token's API client names its organization
        let app = &app.for_client(&claims.cid).map_err(|e| {
            if e.status == StatusCode::NOT_FOUND {
                Failure::unauthorized("The organization of this token no longer exists.")
            } else {
                e
            }
        })?;
        let user_type = UserType::parse(&claims.usrtype)
            .ok_or_else(|| Failure::unauthorized("The token names an unknown user type."))?;
        let user_seq = claims.u.parse().map_err(|_| Failure::unauthorized("The token names an unknown user."))?;
        let impersonator = match &claims.imp {
            Some(imp) => Some(
                imp.parse::<i64>().map_err(|_| Failure::unauthorized("The token names an unknown impersonator."))?,
            ),
            None => None,
        };
        // revoking the impersonator's tokens also revokes the impersonation tokens it obtained
        for seq in std::iter::once(user_seq).chain(impersonator) {
            if app.revoked_before(seq).is_some_and(|before| issued_ms(&claims) < before) {
                return Err(Failure::unauthorized("This token has been revoked. Sign in again."));
            }
        }
        // an act-as session its rep ended (sandbox: End revokes the impersonation token)
        if impersonator.is_some() && claims.jti.as_deref().is_some_and(|j| app.token_revoked(j)) {
            return Err(Failure::unauthorized("This impersonation session was ended; its token is revoked."));
        }
        let present = app.present(&claims, user_type, user_seq, impersonator)?;
        // bound to the organization and the client incarnation that issued it: a client ID
        // freed and claimed again (here or by another organization) does not carry old tokens
        let cin = present.client_seq.to_string();
        if claims.org.as_deref() != Some(app.org.as_str()) || claims.cin.as_deref() != Some(cin.as_str()) {
            return Err(Failure::unauthorized(
                "This token was issued by another organization, or by an API client since deleted; sign in again.",
            ));
        }
        let anonymous = claims.orderid.is_some();
        Ok(Caller {
            app: app.clone(),
            claims,
            user_type,
            user_seq,
            user_id: present.user_id,
            company: present.company,
            impersonator,
            anonymous,
        })
    }
}

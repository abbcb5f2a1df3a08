//! The demo marketplace (seed 000 + 001): a shared API client for sellers and buyers, an admin
//! with an access-management profile (no FullAccess) assigned at seller level, a buyer
//! organization with a user and a shopper profile assigned at buyer level, and a call-center rep
//! who may impersonate that buyer's users through a storefront client. Running it again changes
//! nothing that is already there.
use crate::db;
use crate::error::Result;
use crate::storage::roles::SP_ASSIGNMENT_KIND;
use crate::App;
use gatehouse_model::resources::Kind;
use serde::Serialize;
use serde_json::{json, Value};

pub const SHARED_CLIENT_ID: &str = "5E8F0C2A-7B1D-4C3E-9A6F-2D4B8E1F0A11";
pub const STOREFRONT_CLIENT_ID: &str = "9C3D7E11-4A2B-4F6C-8D5E-1B2A3C4D5E6F";
pub const BUYER_ID: &str = "BUYER_ORGANIZATION";

/// Roles needed to manage API access, without FullAccess.
pub const ADMIN_ROLES: &[&str] = &[
    "ApiClientAdmin",
    "SecurityProfileAdmin",
    "SetSecurityProfile",
    "GrantForAnyRole",
    "AdminUserAdmin",
    "AdminUserGroupAdmin",
    "BuyerAdmin",
    "BuyerUserAdmin",
    "UserGroupAdmin",
    "SupplierAdmin",
    "SupplierUserAdmin",
    "SupplierUserGroupAdmin",
    "MeAdmin",
];
pub const BUYER_ROLES: &[&str] = &["Shopper", "MeAdmin", "MeAddressAdmin", "MeXpAdmin", "MeCreditCardAdmin"];
pub const CALL_CENTER_ROLES: &[&str] =
    &["BuyerImpersonation", "BuyerReader", "BuyerUserReader", "UserGroupReader", "MeAdmin"];

#[derive(Debug, Serialize)]
pub struct Login {
    pub client_id: String,
    pub username: String,
    pub password: String,
    pub user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storefront_client_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Demo {
    pub admin: Login,
    pub buyer: Login,
    pub rep: Login,
    pub account: AccountLogin,
    pub vendor: VendorLogin,
}

/// The demo vendor's credentials for the OEM provisioning API.
#[derive(Debug, Serialize)]
pub struct VendorLogin {
    pub client_id: String,
    pub client_secret: String,
}

/// The demo account: a person with one account in two organizations.
#[derive(Debug, Serialize)]
pub struct AccountLogin {
    pub email: String,
    pub password: String,
    pub organizations: Vec<OrgLogin>,
}

#[derive(Debug, Serialize)]
pub struct OrgLogin {
    pub id: String,
    pub name: String,
    pub role: String,
}

pub const ACCOUNT_EMAIL: &str = "demo@example.com";
pub const ACCOUNT_PASSWORD: &str = "Gatehouse-Demo1";
pub const MAIN_ORG_NAME: &str = "Demo Marketplace";
pub const SECOND_ORG: &str = "orgsecond";
pub const SECOND_ORG_NAME: &str = "Second Marketplace";
pub const SECOND_BUYER_ID: &str = "SECOND_BUYER";

pub fn demo() -> Demo {
    Demo {
        admin: Login {
            client_id: SHARED_CLIENT_ID.into(),
            username: "admin01".into(),
            password: "Gatehouse-Admin1".into(),
            user_id: "ADMIN".into(),
            buyer_id: None,
            storefront_client_id: None,
        },
        buyer: Login {
            client_id: SHARED_CLIENT_ID.into(),
            username: "buyer01".into(),
            password: "buyerpass01".into(),
            user_id: "BUYER01".into(),
            buyer_id: Some(BUYER_ID.into()),
            storefront_client_id: None,
        },
        rep: Login {
            client_id: SHARED_CLIENT_ID.into(),
            username: "rep01".into(),
            password: "Gatehouse-Rep01".into(),
            user_id: "REP01".into(),
            buyer_id: None,
            storefront_client_id: Some(STOREFRONT_CLIENT_ID.into()),
        },
        vendor: VendorLogin {
            client_id: crate::oem::DEMO_VENDOR.0.into(),
            client_secret: crate::oem::DEMO_VENDOR.1.into(),
        },
        account: AccountLogin {
            email: ACCOUNT_EMAIL.into(),
            password: ACCOUNT_PASSWORD.into(),
            organizations: vec![
                OrgLogin {
                    id: crate::hub::MAIN_ORG.into(),
                    name: MAIN_ORG_NAME.into(),
                    role: crate::hub::ADMIN.into(),
                },
                OrgLogin { id: SECOND_ORG.into(), name: SECOND_ORG_NAME.into(), role: crate::hub::ADMIN.into() },
            ],
        },
    }
}

fn put(app: &App, kind: Kind, parent: &str, id: &str, data: Value, password: Option<&str>) -> Result<()> {
    if db::get(&*app.conn()?, kind, parent, id)?.is_some() {
        return Ok(());
    }
    let secret = match password {
        Some(p) => Some(crate::oauth::hash_password(p)?),
        None => None,
    };
    crate::storage::store::put_if_missing(&app.pool, kind, parent, id, db::obj(data), secret.as_deref())
}

fn assign(app: &App, kind: &str, parent: &str, data: Value) -> Result<()> {
    db::write(&app.pool, |tx| crate::access::assignments::save(tx, kind, parent, &db::obj(data)))
}

/// Creates whatever of the demo marketplace is missing; returns its logins.
pub fn run(app: &App) -> Result<Demo> {
    let d = demo();
    put(
        app,
        Kind::ApiClient,
        "",
        SHARED_CLIENT_ID,
        json!({
        "AppName": "Shared API Client", "Active": true, "AccessTokenDuration": 600, "RefreshTokenDuration": 43200,
        "AllowSeller": true, "AllowAnyBuyer": true, "AllowAnySupplier": false, "IsAnonBuyer": false}),
        None,
    )?;
    put(
        app,
        Kind::ApiClient,
        "",
        STOREFRONT_CLIENT_ID,
        json!({
        "AppName": "Storefront", "Active": true, "AccessTokenDuration": 60, "RefreshTokenDuration": 0,
        "AllowSeller": false, "AllowAnyBuyer": true, "AllowAnySupplier": false, "IsAnonBuyer": false}),
        None,
    )?;
    put(
        app,
        Kind::SecurityProfile,
        "",
        "ADMIN_PROFILE",
        json!({"Name": "Admin User Profile", "Roles": ADMIN_ROLES, "CustomRoles": []}),
        None,
    )?;
    put(
        app,
        Kind::SecurityProfile,
        "",
        "BUYER_PROFILE",
        json!({"Name": "Buyer User Profile", "Roles": BUYER_ROLES, "CustomRoles": []}),
        None,
    )?;
    put(
        app,
        Kind::SecurityProfile,
        "",
        "CALL_CENTER_PROFILE",
        json!({"Name": "Call Center Profile", "Roles": CALL_CENTER_ROLES, "CustomRoles": []}),
        None,
    )?;
    put(
        app,
        Kind::AdminUser,
        "",
        &d.admin.user_id,
        json!({"Username": d.admin.username, "FirstName": "Admin", "LastName": "User",
        "Email": "admin01@example.com", "Active": true}),
        Some(&d.admin.password),
    )?;
    put(
        app,
        Kind::AdminUser,
        "",
        &d.rep.user_id,
        json!({"Username": d.rep.username, "FirstName": "Riley", "LastName": "Rep",
        "Email": "rep01@example.com", "Active": true}),
        Some(&d.rep.password),
    )?;
    put(
        app,
        Kind::AdminUserGroup,
        "",
        "CALL_CENTER",
        json!({"Name": "Call Center", "Description": "Reps who order on behalf of buyers"}),
        None,
    )?;
    put(app, Kind::Buyer, "", BUYER_ID, json!({"Name": "Example Buyer", "Active": true}), None)?;
    put(
        app,
        Kind::BuyerUser,
        BUYER_ID,
        &d.buyer.user_id,
        json!({"Username": d.buyer.username, "FirstName": "Buyer", "LastName": "User",
        "Email": "buyer01@example.com", "Active": true}),
        Some(&d.buyer.password),
    )?;
    assign(app, "adminusergroup", "", json!({"UserGroupID": "CALL_CENTER", "UserID": d.rep.user_id}))?;
    assign(app, SP_ASSIGNMENT_KIND, "", json!({"SecurityProfileID": "ADMIN_PROFILE"}))?;
    assign(app, SP_ASSIGNMENT_KIND, "", json!({"SecurityProfileID": "BUYER_PROFILE", "BuyerID": BUYER_ID}))?;
    assign(
        app,
        SP_ASSIGNMENT_KIND,
        "",
        json!({"SecurityProfileID": "CALL_CENTER_PROFILE", "UserGroupID": "CALL_CENTER"}),
    )?;
    put(
        app,
        Kind::ImpersonationConfig,
        "",
        "CALL_CENTER_STOREFRONT",
        json!({
        "ImpersonationGroupID": "CALL_CENTER", "BuyerID": BUYER_ID, "SecurityProfileID": "BUYER_PROFILE", "ClientID": STOREFRONT_CLIENT_ID}),
        None,
    )?;
    crate::storage::clients::index_clients(app).map_err(crate::error::Failure::internal)?;
    organizations(app, &d.account)?;
    crate::oem::ensure_demo_vendor(&app.hub.pool)?;
    Ok(d)
}

/// The organizations above the demo marketplace: it becomes "Demo Marketplace", a second
/// organization (with a buyer of its own) is added, and the demo account belongs to both.
fn organizations(app: &App, login: &AccountLogin) -> Result<()> {
    use crate::hub;
    db::write(&app.hub.pool, |tx| {
        tx.execute(
            "UPDATE organizations SET name = ?2 WHERE id = ?1 AND name = 'Marketplace'",
            r2d2_sqlite::rusqlite::params![hub::MAIN_ORG, MAIN_ORG_NAME],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO organizations (id, name, created_ms) VALUES (?1, ?2, ?3)",
            r2d2_sqlite::rusqlite::params![SECOND_ORG, SECOND_ORG_NAME, hub::now_ms()],
        )?;
        Ok(())
    })?;
    let second = app.market(SECOND_ORG)?;
    hub::ensure_basics(&second)?;
    put(&second, Kind::Buyer, "", SECOND_BUYER_ID, json!({"Name": "Second Buyer", "Active": true}), None)?;
    let account = match hub::account_by_email(&app.hub.pool, &login.email)? {
        Some(a) => a,
        None => hub::create_account(
            &app.hub.pool,
            &login.email,
            "Dana",
            "Demo",
            &crate::oauth::hash_password(&login.password)?,
            None,
        )?,
    };
    for o in &login.organizations {
        let market = app.market(&o.id)?;
        if hub::membership(&app.hub.pool, &account.id, &o.id)?.is_none() {
            hub::add_member(&market, &account, &o.role)?;
        }
    }
    Ok(())
}

/// The owner of a new, empty marketplace (as a marketplace's portal user context): nothing but
/// the console client (`SHARED_CLIENT_ID`, sellers only) and one admin user holding FullAccess
/// through a profile assigned to that user. Everything else is to be set up, as in seed 000.
pub const OWNER: (&str, &str) = ("owner", "Owner-Pass-01");

pub fn empty_marketplace(app: &App) -> Result<()> {
    put(
        app,
        Kind::ApiClient,
        "",
        SHARED_CLIENT_ID,
        json!({
        "AppName": "Marketplace owner console", "Active": true, "AccessTokenDuration": 600, "RefreshTokenDuration": 43200,
        "AllowSeller": true, "AllowAnyBuyer": false, "AllowAnySupplier": false, "IsAnonBuyer": false}),
        None,
    )?;
    put(
        app,
        Kind::SecurityProfile,
        "",
        "OWNER_PROFILE",
        json!({"Name": "Marketplace owner", "Roles": ["FullAccess"], "CustomRoles": []}),
        None,
    )?;
    put(
        app,
        Kind::AdminUser,
        "",
        "OWNER",
        json!({"Username": OWNER.0, "FirstName": "Marketplace", "LastName": "Owner",
        "Email": "owner@example.com", "Active": true}),
        Some(OWNER.1),
    )?;
    assign(app, SP_ASSIGNMENT_KIND, "", json!({"SecurityProfileID": "OWNER_PROFILE", "UserID": "OWNER"}))
}

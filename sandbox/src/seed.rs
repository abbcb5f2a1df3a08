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

// ---------------------------------------------------------------------------------------------
// The large marketplace (issue 25): the model's synthetic marketplace, stored as the API would

/// The seed of the large marketplace: the same seed gives the same marketplace as
/// `gatehouse_model::access::synth::marketplace(LARGE_SEED, &Size::LARGE)`.
pub const LARGE_SEED: u64 = 25;
/// The password of every synthetic user (one hash, computed once, shared by all of them).
pub const LARGE_PASSWORD: &str = "Synthetic-Pass1";

/// What `large` stored, and how long it took.
#[derive(Debug, Default, Serialize)]
pub struct LargeSeed {
    /// False when the marketplace was already there (nothing was written).
    pub created: bool,
    pub users: usize,
    pub buyers: usize,
    pub suppliers: usize,
    pub groups: usize,
    pub memberships: usize,
    pub profiles: usize,
    pub assignments: usize,
    pub api_clients: usize,
    pub api_client_assignments: usize,
    pub impersonation_configs: usize,
    /// Synthetic objects the API itself would refuse, left out (they grant nothing the map
    /// could show): assignments to an unlisted profile or to a buyer and a supplier at once,
    /// memberships of a group that does not exist, configs repeating another's parties.
    pub left_out: usize,
    pub millis: u128,
}

/// The fields that tell impersonation configs apart (the API refuses a second config with the
/// same ones).
const CONFIG_PARTIES: &[&str] = &[
    "ImpersonationBuyerID",
    "ImpersonationGroupID",
    "ImpersonationUserID",
    "BuyerID",
    "GroupID",
    "UserID",
    "ClientID",
];

/// The fields of a model object as the API stores them: writable schema fields only, without
/// the ID, nulls or empty strings; `DateCreated` (and a user's `PasswordLastSetDate`) set.
fn stored<T: Serialize>(kind: Kind, value: &T, now: &str, password: bool) -> serde_json::Map<String, Value> {
    let schema = kind.def().schema;
    let mut out: serde_json::Map<String, Value> = db::obj(serde_json::to_value(value).unwrap_or_default())
        .into_iter()
        .filter(|(k, v)| {
            k != "ID"
                && schema.field(k).is_some_and(|f| !f.read_only)
                && !v.is_null()
                && v.as_str().is_none_or(|s| !s.is_empty())
        })
        .collect();
    if schema.field("DateCreated").is_some() {
        out.insert("DateCreated".into(), json!(now));
    }
    if kind.user_type().is_some() {
        out.insert("PasswordLastSetDate".into(), if password { json!(now) } else { Value::Null });
    }
    out
}

/// Adds the large synthetic marketplace (10,000 buyer users in 100 buyers, 200 groups, 40
/// profiles, 3,000 assignments, 50 impersonation configs, some admins and suppliers; see
/// `synth::Size::LARGE`) beside whatever is there, in one transaction. Every synthetic user
/// signs in with [`LARGE_PASSWORD`]. Nothing is written when its first buyer exists already.
pub fn large(app: &App) -> Result<LargeSeed> {
    use gatehouse_model::access::synth::{self, Size};
    use gatehouse_model::resources::UserType;
    use r2d2_sqlite::rusqlite::params;
    let started = std::time::Instant::now();
    let m = synth::marketplace(LARGE_SEED, &Size::LARGE);
    let first_buyer = m.parties.iter().find(|p| p.user_type == UserType::Buyer).map(|p| p.company.id.clone());
    if let Some(b) = &first_buyer {
        if db::get(&*app.conn()?, Kind::Buyer, "", b)?.is_some() {
            return Ok(LargeSeed { millis: started.elapsed().as_millis(), ..LargeSeed::default() });
        }
    }
    let hash = crate::oauth::hash_password(LARGE_PASSWORD)?;
    let now = crate::storage::clock::now_rfc3339();
    let mut n = LargeSeed { created: true, ..LargeSeed::default() };
    db::write(&app.pool, |tx| {
        let mut object =
            tx.prepare("INSERT INTO objects (kind, parent, id, data, secret) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut put =
            |kind: Kind, parent: &str, id: &str, data: &serde_json::Map<String, Value>, secret: Option<&str>| {
                object.execute(params![kind.key(), parent, id, serde_json::to_string(data)?, secret])?;
                Result::Ok(())
            };
        let link = |kind: &str, parent: &str, data: serde_json::Map<String, Value>| {
            let key = db::assignment_key(&data, crate::access::assignments::key_fields(kind));
            db::save_assignment(tx, kind, parent, &key, &data)
        };
        for p in &m.profiles {
            put(Kind::SecurityProfile, "", &p.id, &stored(Kind::SecurityProfile, p, &now, false), None)?;
            n.profiles += 1;
        }
        for party in &m.parties {
            let t = party.user_type;
            let company = party.company.id.as_str();
            match t {
                UserType::Admin => {}
                UserType::Buyer | UserType::Supplier => {
                    let kind = if t == UserType::Buyer { Kind::Buyer } else { Kind::Supplier };
                    put(kind, "", company, &stored(kind, &party.company, &now, false), None)?;
                    *(if t == UserType::Buyer { &mut n.buyers } else { &mut n.suppliers }) += 1;
                }
            }
            let (user_kind, group_kind) = (Kind::user_kind(t), Kind::group_kind(t));
            for u in &party.users {
                put(user_kind, company, &u.id, &stored(user_kind, u, &now, true), Some(&hash))?;
                n.users += 1;
            }
            for g in &party.groups {
                put(group_kind, company, &g.id, &stored(group_kind, g, &now, false), None)?;
                n.groups += 1;
            }
            for ms in &party.memberships {
                if !party.groups.iter().any(|g| g.id == ms.user_group_id) {
                    n.left_out += 1;
                    continue;
                }
                link(
                    group_kind.key(),
                    company,
                    db::obj(json!({"UserGroupID": ms.user_group_id, "UserID": ms.user_id})),
                )?;
                n.memberships += 1;
            }
        }
        let profiles: std::collections::HashSet<&str> = m.profiles.iter().map(|p| p.id.as_str()).collect();
        for a in &m.assignments {
            let set = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
            let (buyer, supplier, mut group, user) =
                (set(&a.buyer_id), set(&a.supplier_id), set(&a.user_group_id), set(&a.user_id));
            if !profiles.contains(a.security_profile_id.as_str()) || (buyer.is_some() && supplier.is_some()) {
                n.left_out += 1;
                continue;
            }
            // a user-level assignment naming a group as well reaches the user alone: the API
            // takes it as the user-level one
            if user.is_some() {
                group = None;
            }
            let mut data = serde_json::Map::new();
            data.insert("SecurityProfileID".into(), json!(a.security_profile_id));
            for (k, v) in [("BuyerID", buyer), ("SupplierID", supplier), ("UserGroupID", group), ("UserID", user)] {
                if let Some(v) = v {
                    data.insert(k.into(), json!(v));
                }
            }
            link(SP_ASSIGNMENT_KIND, "", data)?;
            n.assignments += 1;
        }
        for c in &m.api_clients {
            put(Kind::ApiClient, "", &c.id, &stored(Kind::ApiClient, c, &now, false), None)?;
            n.api_clients += 1;
        }
        for a in &m.api_client_assignments {
            link(
                crate::access::assignments::API_CLIENT_KIND,
                "",
                db::obj(serde_json::to_value(a)?).into_iter().filter(|(_, v)| !v.is_null()).collect(),
            )?;
            n.api_client_assignments += 1;
        }
        let mut seen = std::collections::HashSet::new();
        for c in &m.impersonation_configs {
            let data = stored(Kind::ImpersonationConfig, c, &now, false);
            let parties: Vec<Option<&Value>> = CONFIG_PARTIES.iter().map(|k| data.get(*k)).collect();
            if !seen.insert(format!("{parties:?}")) {
                n.left_out += 1;
                continue;
            }
            put(Kind::ImpersonationConfig, "", &c.id, &data, None)?;
            n.impersonation_configs += 1;
        }
        Ok(())
    })?;
    crate::storage::clients::index_clients(app).map_err(crate::error::Failure::internal)?;
    n.millis = started.elapsed().as_millis();
    Ok(n)
}

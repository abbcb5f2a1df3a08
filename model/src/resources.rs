//! The resources in scope: schemas (fields with type, max length, format, read-only), paths,
//! required fields, roles per verb, and search / sort fields. The sandbox builds its routes,
//! validation and OpenAPI document from these tables; facts are those of the OrderCloud API.

/// A property's type on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Bool,
    Int,
    /// Any number (only in documents read at run time; the model's own fields are whole).
    Num,
    /// A free JSON object (`xp`, `Locale`, `PasswordConfig`).
    Object,
    StrArray,
    /// An array of any JSON values (only in documents read at run time).
    Array,
    /// An array of API role names (values known: `roles::ALL_ROLES`).
    Roles,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub max_len: Option<u32>,
    pub format: Option<&'static str>,
    pub read_only: bool,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// A form the whole value must have.
    pub pattern: Option<Pattern>,
}

/// A field's name in words for people ("Access token lifetime" for `AccessTokenDuration`); the
/// API's name stays beside it as secondary text. Names with no better wording are split at
/// their capitals ("FirstName" → "First name", "SecurityProfileID" → "Security profile ID").
pub fn label(field: &str) -> String {
    let words = match field {
        "AppName" => "Application name",
        "AllowSeller" => "Allow all sellers",
        "AllowAnyBuyer" => "Allow all buyers",
        "AllowAnySupplier" => "Allow all suppliers",
        "IsAnonBuyer" => "Anonymous shopping",
        "AccessTokenDuration" => "Access token lifetime",
        "RefreshTokenDuration" => "Refresh token lifetime",
        "DefaultContextUserName" => "Default context user",
        "ClientID" | "ApiClientID" => "API client",
        "SecurityProfileID" => "Security profile",
        "ImpersonationBuyerID" => "Rep's buyer",
        "ImpersonationGroupID" => "Reps' group",
        "ImpersonationUserID" => "Rep",
        "BuyerID" => "Buyer",
        "SupplierID" => "Supplier",
        "GroupID" | "UserGroupID" => "User group",
        "UserID" => "User",
        "xp" => "Extended properties",
        "Phone" => "Phone number",
        _ => "",
    };
    if !words.is_empty() {
        return words.to_string();
    }
    let mut out = String::new();
    let chars: Vec<char> = field.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // a word starts at a capital after a small letter, or at the last capital of a run
        // that a small letter follows ("XMLName" → "XML name")
        let starts = i > 0
            && c.is_ascii_uppercase()
            && (chars[i - 1].is_ascii_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if starts {
            out.push(' ');
        }
        out.push(c);
    }
    // small letters after the first word, unless the word is an acronym ("ID", "API")
    out.split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i == 0 || w.chars().filter(|c| c.is_ascii_uppercase()).count() > 1 {
                w.to_string()
            } else {
                w.to_ascii_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A form a text value must have: the regular expression the OpenAPI document states, what it
/// allows in words (for messages), and the check itself (the model carries no regex engine).
#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    pub regex: &'static str,
    pub allows: &'static str,
    pub test: fn(&str) -> bool,
}

/// What an ID written by the caller may contain: letters, digits, `-` and `_`.
pub const ID_PATTERN: Pattern = Pattern { regex: "^[A-Za-z0-9_-]+$", allows: "letters, digits, - and _", test: is_id };

/// Whether `s` matches `ID_PATTERN`.
pub fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

const fn f(name: &'static str, ty: Ty) -> Field {
    Field { name, ty, max_len: None, format: None, read_only: false, min: None, max: None, pattern: None }
}
/// A caller-chosen ID: at most 100 characters of `ID_PATTERN`.
const fn id() -> Field {
    let mut f = s("ID").max(100);
    f.pattern = Some(ID_PATTERN);
    f
}
const fn s(name: &'static str) -> Field {
    f(name, Ty::Str)
}
impl Field {
    const fn max(mut self, n: u32) -> Field {
        self.max_len = Some(n);
        self
    }
    const fn ro(mut self) -> Field {
        self.read_only = true;
        self
    }
    const fn fmt(mut self, format: &'static str) -> Field {
        self.format = Some(format);
        self
    }
    const fn range(mut self, min: i64, max: i64) -> Field {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
}

#[derive(Debug)]
pub struct Schema {
    pub name: &'static str,
    pub fields: &'static [Field],
}

impl Schema {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

pub static API_CLIENT: Schema = Schema {
    name: "ApiClient",
    fields: &[
        s("ID").ro(),
        s("ClientSecret").max(100),
        f("AccessTokenDuration", Ty::Int).range(1, 600),
        f("Active", Ty::Bool),
        s("AppName").max(100),
        f("RefreshTokenDuration", Ty::Int).range(0, 525_600),
        s("DefaultContextUserName").max(100),
        f("xp", Ty::Object),
        f("AllowAnyBuyer", Ty::Bool),
        f("AllowAnySupplier", Ty::Bool),
        f("AllowSeller", Ty::Bool),
        f("IsAnonBuyer", Ty::Bool),
        f("AssignedBuyerCount", Ty::Int).ro(),
        f("AssignedSupplierCount", Ty::Int).ro(),
    ],
};

pub static SECURITY_PROFILE: Schema = Schema {
    name: "SecurityProfile",
    fields: &[
        id(),
        s("Name").max(100),
        f("Roles", Ty::Roles),
        f("CustomRoles", Ty::StrArray),
        f("PasswordConfig", Ty::Object),
    ],
};

pub static USER: Schema = Schema {
    name: "User",
    fields: &[
        id(),
        s("CompanyID").ro(),
        s("Username").max(100),
        s("Password").fmt("password").max(100),
        s("FirstName").max(100),
        s("LastName").max(100),
        s("Email").max(200),
        s("Phone").max(100),
        s("TermsAccepted").fmt("date-time"),
        f("Active", Ty::Bool),
        f("xp", Ty::Object),
        f("AvailableRoles", Ty::StrArray).ro(),
        f("Locale", Ty::Object).ro(),
        s("DateCreated").fmt("date-time").ro(),
        s("LastActive").fmt("date-time").ro(),
        s("PasswordLastSetDate").fmt("date-time").ro(),
        f("FailedLoginAttempts", Ty::Int).ro(),
    ],
};

pub static BUYER: Schema = Schema {
    name: "Buyer",
    fields: &[
        id(),
        s("Name").max(100),
        s("DefaultCatalogID").max(100),
        f("Active", Ty::Bool),
        s("DateCreated").fmt("date-time").ro(),
        f("xp", Ty::Object),
    ],
};

pub static SUPPLIER: Schema = Schema {
    name: "Supplier",
    fields: &[
        id(),
        s("Name").max(100),
        f("Active", Ty::Bool),
        s("DateCreated").fmt("date-time").ro(),
        f("AllBuyersCanOrder", Ty::Bool),
        f("xp", Ty::Object),
    ],
};

pub static USER_GROUP: Schema =
    Schema { name: "UserGroup", fields: &[id(), s("Name").max(100), s("Description").max(2000), f("xp", Ty::Object)] };

pub static IMPERSONATION_CONFIG: Schema = Schema {
    name: "ImpersonationConfig",
    fields: &[
        id(),
        s("ImpersonationBuyerID").max(100),
        s("ImpersonationGroupID").max(100),
        s("ImpersonationUserID").max(100),
        s("BuyerID").max(100),
        s("GroupID").max(100),
        s("UserID").max(100),
        s("SecurityProfileID").max(100),
        s("ClientID").max(100),
    ],
};

pub static API_CLIENT_ASSIGNMENT: Schema = Schema {
    name: "ApiClientAssignment",
    fields: &[s("ApiClientID").max(100), s("BuyerID").max(100), s("SupplierID").max(100)],
};

pub static SECURITY_PROFILE_ASSIGNMENT: Schema = Schema {
    name: "SecurityProfileAssignment",
    fields: &[
        s("SecurityProfileID").max(100),
        s("BuyerID").max(100),
        s("SupplierID").max(100),
        s("UserID").max(100),
        s("UserGroupID").max(100),
    ],
};

pub static USER_GROUP_ASSIGNMENT: Schema =
    Schema { name: "UserGroupAssignment", fields: &[s("UserGroupID").max(100), s("UserID").max(100)] };

pub static IMPERSONATE_TOKEN_REQUEST: Schema = Schema {
    name: "ImpersonateTokenRequest",
    fields: &[s("ClientID").max(100), f("Roles", Ty::Roles), f("CustomRoles", Ty::StrArray)],
};

pub static ACCESS_TOKEN: Schema = Schema {
    name: "AccessToken",
    fields: &[s("access_token"), f("expires_in", Ty::Int), s("token_type"), s("refresh_token")],
};

pub static ME_USER: Schema = Schema {
    name: "MeUser",
    fields: &[
        f("Buyer", Ty::Object).ro(),
        f("Supplier", Ty::Object).ro(),
        f("Seller", Ty::Object).ro(),
        id(),
        s("Username").max(100),
        s("Password").fmt("password").max(100),
        s("FirstName").max(100),
        s("LastName").max(100),
        s("Email").max(200),
        s("Phone").max(100),
        s("TermsAccepted").fmt("date-time"),
        f("Active", Ty::Bool),
        f("xp", Ty::Object),
        f("AvailableRoles", Ty::StrArray).ro(),
        f("Locale", Ty::Object).ro(),
        s("DateCreated").fmt("date-time").ro(),
        s("PasswordLastSetDate").fmt("date-time").ro(),
    ],
};

/// A record of one impersonation token issued (sandbox extension: `GET /v1/impersonations`).
pub static IMPERSONATION_RECORD: Schema = Schema {
    name: "ImpersonationRecord",
    fields: &[
        s("ID").ro(),
        s("ImpersonatorUserID").ro(),
        s("ImpersonatorUsername").ro(),
        s("ImpersonatorType").ro(),
        s("UserID").ro(),
        s("Username").ro(),
        s("BuyerID").ro(),
        s("ClientID").ro(),
        s("ClientName").ro(),
        f("Roles", Ty::StrArray).ro(),
        s("Issued").fmt("date-time").ro(),
        s("Expires").fmt("date-time").ro(),
        f("Revoked", Ty::Bool).ro(),
        s("Reason").ro(),
        s("Ended").fmt("date-time").ro(),
        s("EndedBy").ro(),
        f("Requests", Ty::Int).ro(),
    ],
};

/// The reason a rep gives for acting as a buyer user (sandbox extension:
/// `POST /v1/impersonation/sessions`, sent with the act-as token itself).
pub static IMPERSONATION_SESSION: Schema =
    Schema { name: "ImpersonationSession", fields: &[s("Reason").max(crate::impersonation::REASON_MAX as u32)] };

/// How an act-as session ended (sandbox extension: `POST /v1/impersonation/sessions/{id}/end`,
/// sent with the rep's own token). `EndedBy`: `Rep` or `Clock`; `Requests`: how many requests
/// the portal sent as the buyer.
pub static IMPERSONATION_SESSION_END: Schema = Schema {
    name: "ImpersonationSessionEnd",
    fields: &[s("EndedBy").max(10), f("Requests", Ty::Int).range(0, 1_000_000_000)],
};
pub const IMPERSONATION_RECORD_SEARCH: &[&str] = &["ImpersonatorUsername", "Username", "BuyerID", "ClientName"];
pub const IMPERSONATION_RECORD_SORT: &[&str] = &["Issued", "Expires", "ImpersonatorUsername", "Username", "BuyerID"];

pub static SCHEMAS: &[&Schema] = &[
    &API_CLIENT,
    &SECURITY_PROFILE,
    &USER,
    &BUYER,
    &SUPPLIER,
    &USER_GROUP,
    &IMPERSONATION_CONFIG,
    &API_CLIENT_ASSIGNMENT,
    &SECURITY_PROFILE_ASSIGNMENT,
    &USER_GROUP_ASSIGNMENT,
    &IMPERSONATE_TOKEN_REQUEST,
    &ACCESS_TOKEN,
    &ME_USER,
    &IMPERSONATION_RECORD,
    &IMPERSONATION_SESSION,
    &IMPERSONATION_SESSION_END,
];

/// Menu sections (OpenAPI tags carrying `x-id`).
pub const SECTIONS: &[(&str, &str)] = &[
    ("AuthenticationAndAuthorization", "Authentication and Authorization"),
    ("Seller", "Seller"),
    ("Buyers", "Buyers"),
    ("Suppliers", "Suppliers"),
    ("MeAndMyStuff", "Me and My Stuff"),
];

/// Which party a user belongs to; decides the password policy and company-level assignments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum UserType {
    #[default]
    Admin,
    Buyer,
    Supplier,
}

impl UserType {
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Admin => "admin",
            UserType::Buyer => "buyer",
            UserType::Supplier => "supplier",
        }
    }
    pub fn parse(s: &str) -> Option<UserType> {
        match s {
            "admin" => Some(UserType::Admin),
            "buyer" => Some(UserType::Buyer),
            "supplier" => Some(UserType::Supplier),
            _ => None,
        }
    }
    /// Whose password a request path writes: the users it names, or for `/me` paths the
    /// caller's own kind (None: not known, the buyer's rules). The portal's every password
    /// check asks this; the sandbox knows the kind from the route.
    pub fn of_path(path: &str, caller: Option<UserType>) -> UserType {
        let mut parts = path.trim_start_matches('/').split('/');
        match (parts.next(), parts.nth(1)) {
            (Some("adminusers"), _) => UserType::Admin,
            (Some("suppliers"), Some("users")) => UserType::Supplier,
            (Some("me"), _) => caller.unwrap_or(UserType::Buyer),
            _ => UserType::Buyer,
        }
    }
    pub fn password_policy(self) -> &'static crate::password::PasswordPolicy {
        match self {
            UserType::Admin => &crate::password::ADMIN_POLICY,
            _ => &crate::password::BUYER_POLICY,
        }
    }
}

/// Storage kind of a resource: the sandbox's table key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    ApiClient,
    SecurityProfile,
    AdminUser,
    AdminUserGroup,
    Buyer,
    BuyerUser,
    BuyerUserGroup,
    Supplier,
    SupplierUser,
    SupplierUserGroup,
    ImpersonationConfig,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::ApiClient => "apiclient",
            Kind::SecurityProfile => "securityprofile",
            Kind::AdminUser => "adminuser",
            Kind::AdminUserGroup => "adminusergroup",
            Kind::Buyer => "buyer",
            Kind::BuyerUser => "buyeruser",
            Kind::BuyerUserGroup => "buyerusergroup",
            Kind::Supplier => "supplier",
            Kind::SupplierUser => "supplieruser",
            Kind::SupplierUserGroup => "supplierusergroup",
            Kind::ImpersonationConfig => "impersonationconfig",
        }
    }
    pub fn from_key(key: &str) -> Option<Kind> {
        ALL_KINDS.iter().copied().find(|k| k.key() == key)
    }
    pub fn user_type(self) -> Option<UserType> {
        match self {
            Kind::AdminUser => Some(UserType::Admin),
            Kind::BuyerUser => Some(UserType::Buyer),
            Kind::SupplierUser => Some(UserType::Supplier),
            _ => None,
        }
    }
    pub fn user_kind(t: UserType) -> Kind {
        match t {
            UserType::Admin => Kind::AdminUser,
            UserType::Buyer => Kind::BuyerUser,
            UserType::Supplier => Kind::SupplierUser,
        }
    }
    pub fn group_kind(t: UserType) -> Kind {
        match t {
            UserType::Admin => Kind::AdminUserGroup,
            UserType::Buyer => Kind::BuyerUserGroup,
            UserType::Supplier => Kind::SupplierUserGroup,
        }
    }
    pub fn def(self) -> &'static ResourceDef {
        RESOURCES.iter().find(|r| r.kind == self).expect("every kind has a resource")
    }
}

pub const ALL_KINDS: &[Kind] = &[
    Kind::ApiClient,
    Kind::SecurityProfile,
    Kind::AdminUser,
    Kind::AdminUserGroup,
    Kind::Buyer,
    Kind::BuyerUser,
    Kind::BuyerUserGroup,
    Kind::Supplier,
    Kind::SupplierUser,
    Kind::SupplierUserGroup,
    Kind::ImpersonationConfig,
];

/// The indefinite article for a noun as it is said: "an API client", "an admin user", "a user"
/// (a `u` that sounds like "you" takes "a").
pub fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'A', 'E', 'I', 'O']) {
        "an"
    } else {
        "a"
    }
}

/// A resource with standard List / Create / Get / Save / Patch / Delete operations.
#[derive(Debug)]
pub struct ResourceDef {
    pub kind: Kind,
    /// operationId prefix, e.g. `ApiClients` in `ApiClients.List`.
    pub op: &'static str,
    /// OpenAPI tag (the menu entry).
    pub tag: &'static str,
    /// `x-section-id` of the tag.
    pub section: &'static str,
    /// Collection path without `/v1`.
    pub path: &'static str,
    /// Item path parameter name.
    pub id_param: &'static str,
    /// Parent kind when the path is nested (`/buyers/{buyerID}/users`).
    pub parent: Option<Kind>,
    /// `ObjectType` in NotFound errors.
    pub object_type: &'static str,
    /// Noun used in summaries.
    pub noun: &'static str,
    pub schema: &'static Schema,
    pub required: &'static [&'static str],
    pub read_roles: &'static [&'static str],
    pub write_roles: &'static [&'static str],
    pub search_on: &'static [&'static str],
    pub sort_by: &'static [&'static str],
}

impl ResourceDef {
    pub fn item_path(&self) -> String {
        format!("{}/{{{}}}", self.path, self.id_param)
    }
    /// Path parameter name of the parent (`buyerID` / `supplierID`).
    pub fn parent_param(&self) -> Option<&'static str> {
        self.parent.map(|p| p.def().id_param)
    }
}

const USER_SEARCH: &[&str] = &["ID", "Username", "LastName", "FirstName", "Email"];
const USER_SORT: &[&str] = &["LastName", "FirstName", "Username", "ID", "Email", "DateCreated", "PasswordLastSetDate"];
const USER_REQ: &[&str] = &["Username", "FirstName", "LastName", "Email", "Active"];
const GROUP_SEARCH: &[&str] = &["ID", "Name", "Description"];
const GROUP_SORT: &[&str] = &["Name", "ID"];

pub static RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        kind: Kind::SecurityProfile,
        op: "SecurityProfiles",
        tag: "Security Profiles",
        section: "AuthenticationAndAuthorization",
        path: "/securityprofiles",
        id_param: "securityProfileID",
        parent: None,
        object_type: "SecurityProfile",
        noun: "security profile",
        schema: &SECURITY_PROFILE,
        required: &["Name"],
        read_roles: &["SecurityProfileAdmin", "SetSecurityProfile", "SecurityProfileReader"],
        write_roles: &["SecurityProfileAdmin", "SetSecurityProfile"],
        search_on: &["ID", "Name"],
        sort_by: &["ID", "Name"],
    },
    ResourceDef {
        kind: Kind::ImpersonationConfig,
        op: "ImpersonationConfigs",
        tag: "Impersonation Configs",
        section: "AuthenticationAndAuthorization",
        path: "/impersonationconfig",
        id_param: "impersonationConfigID",
        parent: None,
        object_type: "ImpersonationConfig",
        noun: "impersonation config",
        schema: &IMPERSONATION_CONFIG,
        required: &["BuyerID", "SecurityProfileID", "ClientID"],
        read_roles: &["SetSecurityProfile"],
        write_roles: &["SetSecurityProfile"],
        search_on: &["ID", "ClientID"],
        sort_by: &["ID", "ClientID"],
    },
    ResourceDef {
        kind: Kind::ApiClient,
        op: "ApiClients",
        tag: "Api Clients",
        section: "Seller",
        path: "/apiclients",
        id_param: "apiClientID",
        parent: None,
        object_type: "ApiClient",
        noun: "API client",
        schema: &API_CLIENT,
        required: &["AccessTokenDuration", "AppName"],
        read_roles: &["ApiClientAdmin", "ApiClientReader"],
        write_roles: &["ApiClientAdmin"],
        search_on: &["ID", "AppName", "DefaultContextUserName"],
        sort_by: &["ID", "AppName", "DefaultContextUserName"],
    },
    ResourceDef {
        kind: Kind::AdminUser,
        op: "AdminUsers",
        tag: "Admin Users",
        section: "Seller",
        path: "/adminusers",
        id_param: "userID",
        parent: None,
        object_type: "User",
        noun: "admin user",
        schema: &USER,
        required: USER_REQ,
        read_roles: &["AdminUserAdmin", "AdminUserReader"],
        write_roles: &["AdminUserAdmin"],
        search_on: USER_SEARCH,
        sort_by: USER_SORT,
    },
    ResourceDef {
        kind: Kind::AdminUserGroup,
        op: "AdminUserGroups",
        tag: "Admin User Groups",
        section: "Seller",
        path: "/usergroups",
        id_param: "userGroupID",
        parent: None,
        object_type: "UserGroup",
        noun: "admin user group",
        schema: &USER_GROUP,
        required: &["Name"],
        read_roles: &["AdminUserGroupAdmin", "AdminUserGroupReader"],
        write_roles: &["AdminUserGroupAdmin"],
        search_on: GROUP_SEARCH,
        sort_by: GROUP_SORT,
    },
    ResourceDef {
        kind: Kind::Buyer,
        op: "Buyers",
        tag: "Buyers",
        section: "Buyers",
        path: "/buyers",
        id_param: "buyerID",
        parent: None,
        object_type: "Buyer",
        noun: "buyer",
        schema: &BUYER,
        required: &["Name"],
        read_roles: &["BuyerAdmin", "BuyerReader"],
        write_roles: &["BuyerAdmin"],
        search_on: &["ID", "Name"],
        sort_by: &["Name", "ID", "DateCreated"],
    },
    ResourceDef {
        kind: Kind::BuyerUser,
        op: "Users",
        tag: "Users",
        section: "Buyers",
        path: "/buyers/{buyerID}/users",
        id_param: "userID",
        parent: Some(Kind::Buyer),
        object_type: "User",
        noun: "user",
        schema: &USER,
        required: USER_REQ,
        read_roles: &["BuyerUserAdmin", "BuyerUserReader"],
        write_roles: &["BuyerUserAdmin"],
        search_on: USER_SEARCH,
        sort_by: USER_SORT,
    },
    ResourceDef {
        kind: Kind::BuyerUserGroup,
        op: "UserGroups",
        tag: "User Groups",
        section: "Buyers",
        path: "/buyers/{buyerID}/usergroups",
        id_param: "userGroupID",
        parent: Some(Kind::Buyer),
        object_type: "UserGroup",
        noun: "user group",
        schema: &USER_GROUP,
        required: &["Name"],
        read_roles: &["UserGroupAdmin", "UserGroupReader"],
        write_roles: &["UserGroupAdmin"],
        search_on: GROUP_SEARCH,
        sort_by: GROUP_SORT,
    },
    ResourceDef {
        kind: Kind::Supplier,
        op: "Suppliers",
        tag: "Suppliers",
        section: "Suppliers",
        path: "/suppliers",
        id_param: "supplierID",
        parent: None,
        object_type: "Supplier",
        noun: "supplier",
        schema: &SUPPLIER,
        required: &["Name"],
        read_roles: &["SupplierAdmin", "SupplierReader"],
        write_roles: &["SupplierAdmin"],
        search_on: &["ID", "Name"],
        sort_by: &["Name", "ID", "DateCreated"],
    },
    ResourceDef {
        kind: Kind::SupplierUser,
        op: "SupplierUsers",
        tag: "Supplier Users",
        section: "Suppliers",
        path: "/suppliers/{supplierID}/users",
        id_param: "userID",
        parent: Some(Kind::Supplier),
        object_type: "User",
        noun: "supplier user",
        schema: &USER,
        required: USER_REQ,
        read_roles: &["SupplierUserAdmin", "SupplierUserReader"],
        write_roles: &["SupplierUserAdmin"],
        search_on: USER_SEARCH,
        sort_by: USER_SORT,
    },
    ResourceDef {
        kind: Kind::SupplierUserGroup,
        op: "SupplierUserGroups",
        tag: "Supplier User Groups",
        section: "Suppliers",
        path: "/suppliers/{supplierID}/usergroups",
        id_param: "userGroupID",
        parent: Some(Kind::Supplier),
        object_type: "UserGroup",
        noun: "supplier user group",
        schema: &USER_GROUP,
        required: &["Name"],
        read_roles: &["SupplierUserGroupAdmin", "SupplierUserGroupReader"],
        write_roles: &["SupplierUserGroupAdmin"],
        search_on: GROUP_SEARCH,
        sort_by: GROUP_SORT,
    },
];

pub fn resource(kind: Kind) -> &'static ResourceDef {
    kind.def()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_read_as_words() {
        assert_eq!(label("AppName"), "Application name");
        assert_eq!(label("AccessTokenDuration"), "Access token lifetime");
        assert_eq!(label("FirstName"), "First name");
        assert_eq!(label("ID"), "ID");
        assert_eq!(label("Active"), "Active");
        assert_eq!(label("PasswordLastSetDate"), "Password last set date");
    }

    #[test]
    fn whose_password_a_path_writes() {
        use UserType::*;
        assert_eq!(UserType::of_path("/adminusers/{userID}", None), Admin);
        assert_eq!(UserType::of_path("/buyers/{buyerID}/users", Some(Admin)), Buyer);
        assert_eq!(UserType::of_path("/suppliers/{supplierID}/users/{userID}", None), Supplier);
        assert_eq!(UserType::of_path("/me/password", Some(Admin)), Admin);
        assert_eq!(UserType::of_path("/me/register", None), Buyer);
        assert_eq!(UserType::of_path("/suppliers", None), Buyer);
        // the tables agree: every user resource's path names its own kind
        for r in RESOURCES {
            if let Some(t) = r.kind.user_type() {
                assert_eq!(UserType::of_path(r.path, None), t, "{}", r.path);
            }
        }
        assert_eq!(label("OwnerID"), "Owner ID");
        assert_eq!(label("XMLName"), "XML name");
    }
    #[test]
    fn tables_are_consistent() {
        for r in RESOURCES {
            for req in r.required {
                assert!(r.schema.field(req).is_some(), "{} requires unknown {req}", r.op);
            }
            for f in r.search_on.iter().chain(r.sort_by) {
                assert!(r.schema.field(f).is_some(), "{} lists unknown {f}", r.op);
            }
            assert!(SECTIONS.iter().any(|(id, _)| *id == r.section));
            if let Some(p) = r.parent {
                assert!(r.path.contains(&format!("{{{}}}", p.def().id_param)));
            }
        }
    }
}

#[cfg(test)]
mod article_tests {
    #[test]
    fn articles_follow_the_sound() {
        for (noun, a) in [
            ("API client", "an"),
            ("admin user", "an"),
            ("impersonation config", "an"),
            ("user", "a"),
            ("user group", "a"),
            ("buyer", "a"),
            ("security profile", "a"),
        ] {
            assert_eq!(super::article(noun), a, "{noun}");
        }
    }
}

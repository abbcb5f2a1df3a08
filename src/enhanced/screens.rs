//! The layout of each resource screen: its columns, its form sections and the widget for each
//! field. Field facts (types, max lengths, required, roles) come from the model's tables.
use super::screen_def::{Extra, Pick, ScreenDef, Section, W};
use gatehouse_model::resources::Kind;

const USER_FORM: &[Section] = &[
    (
        "Sign-in",
        &[
            ("Username", W::Text, "Unique across the marketplace."),
            ("Password", W::Password, "Optional. On a saved user, leave empty to keep the current one."),
            ("Active", W::Bool("Active — may sign in"), ""),
        ],
    ),
    (
        "Person",
        &[
            ("ID", W::Text, "Leave empty and the API makes one."),
            ("FirstName", W::Text, ""),
            ("LastName", W::Text, ""),
            ("Email", W::Text, ""),
            ("Phone", W::Text, ""),
        ],
    ),
    ("Extended properties", &[("xp", W::Json, "Any JSON object.")]),
];
const USER_COLUMNS: &[&str] = &["Username", "ID", "FirstName", "LastName", "Email", "Active"];

const GROUP_FORM: &[Section] = &[
    (
        "Group",
        &[
            ("ID", W::Text, "Leave empty and the API makes one."),
            ("Name", W::Text, ""),
            ("Description", W::LongText, ""),
        ],
    ),
    ("Extended properties", &[("xp", W::Json, "Any JSON object.")]),
];
const GROUP_COLUMNS: &[&str] = &["Name", "ID", "Description"];

pub static ALL: &[ScreenDef] = &[
    ScreenDef {
        key: "apiclients", label: "API clients", kind: Kind::ApiClient,
        intro: "Access points to the marketplace: who may sign in through each one, how, and for how long.",
        columns: &["AppName", "ID", "AllowSeller", "AllowAnyBuyer", "Active"],
        title: "AppName",
        sections: &[
            ("Application", &[
                ("AppName", W::Text, "A descriptive name tells future developers when to use this client."),
                ("Active", W::Bool("Active — tokens may be issued"), ""),
            ]),
            ("Client access configuration", &[
                ("AllowSeller", W::Bool("Allow all sellers (admin users)"), ""),
                ("AllowAnyBuyer", W::Bool("Allow all buyers"), "Off: only the buyers assigned below."),
                ("AllowAnySupplier", W::Bool("Allow all suppliers"), "Off: only the suppliers assigned below."),
                ("IsAnonBuyer", W::Bool("Anonymous shopping (anonymous buyer)"), "Lets a storefront shop before signing in, as the default context user."),
                ("DefaultContextUserName", W::Pick(Pick::Usernames), "The user a client-credentials token acts as."),
            ]),
            ("Tokens", &[
                ("AccessTokenDuration", W::Minutes, "How long an access token lasts (1 minute to 10 hours)."),
                ("RefreshTokenDuration", W::Minutes, "How long a refresh token lasts; 0 means no refresh tokens (up to a year)."),
                ("ClientSecret", W::Secret, "Only for trusted server-side apps; a browser app must not hold it."),
            ]),
            ("Extended properties", &[("xp", W::Json, "Any JSON object.")]),
        ],
        extras: &[Extra::ClientAssignments],
    },
    ScreenDef {
        key: "securityprofiles", label: "Security profiles", kind: Kind::SecurityProfile,
        intro: "Sets of roles. Assign a profile to the seller organization, a buyer, a supplier, a group or a user; a user holds the union of every profile that reaches them.",
        columns: &["Name", "ID", "Roles"],
        title: "Name",
        sections: &[
            ("Profile", &[
                ("ID", W::Text, "Leave empty and the API makes one."),
                ("Name", W::Text, ""),
            ]),
            ("Roles", &[
                ("Roles", W::Roles, ""),
                ("CustomRoles", W::Tags, "Your own role names, one per line, for your apps to check."),
            ]),
        ],
        extras: &[Extra::ProfileAssignments],
    },
    ScreenDef {
        key: "adminusers", label: "Admin users", kind: Kind::AdminUser,
        intro: "Users of the seller organization.",
        columns: USER_COLUMNS, title: "Username", sections: USER_FORM, extras: &[Extra::EffectiveRoles, Extra::SignInStatus],
    },
    ScreenDef {
        key: "adminusergroups", label: "Admin user groups", kind: Kind::AdminUserGroup,
        intro: "Groups of admin users: assign security profiles and impersonation rights to a group, not to each user.",
        columns: GROUP_COLUMNS, title: "Name", sections: GROUP_FORM, extras: &[Extra::Members],
    },
    ScreenDef {
        key: "buyers", label: "Buyers", kind: Kind::Buyer,
        intro: "Buyer organizations: the companies that shop in the marketplace.",
        columns: &["Name", "ID", "DefaultCatalogID", "Active"],
        title: "Name",
        sections: &[("Buyer organization", &[
            ("ID", W::Text, "Leave empty and the API makes one."),
            ("Name", W::Text, ""),
            ("Active", W::Bool("Active"), ""),
            ("DefaultCatalogID", W::Text, ""),
        ]), ("Extended properties", &[("xp", W::Json, "Any JSON object.")])],
        extras: &[],
    },
    ScreenDef {
        key: "buyerusers", label: "Buyer users", kind: Kind::BuyerUser,
        intro: "Users of a buyer organization.",
        columns: USER_COLUMNS, title: "Username", sections: USER_FORM, extras: &[Extra::EffectiveRoles],
    },
    ScreenDef {
        key: "buyergroups", label: "Buyer user groups", kind: Kind::BuyerUserGroup,
        intro: "Groups of a buyer's users.",
        columns: GROUP_COLUMNS, title: "Name", sections: GROUP_FORM, extras: &[Extra::Members],
    },
    ScreenDef {
        key: "suppliers", label: "Suppliers", kind: Kind::Supplier,
        intro: "Supplier organizations.",
        columns: &["Name", "ID", "AllBuyersCanOrder", "Active"],
        title: "Name",
        sections: &[("Supplier organization", &[
            ("ID", W::Text, "Leave empty and the API makes one."),
            ("Name", W::Text, ""),
            ("Active", W::Bool("Active"), ""),
            ("AllBuyersCanOrder", W::Bool("All buyers can order from this supplier"), ""),
        ]), ("Extended properties", &[("xp", W::Json, "Any JSON object.")])],
        extras: &[],
    },
    ScreenDef {
        key: "supplierusers", label: "Supplier users", kind: Kind::SupplierUser,
        intro: "Users of a supplier organization.",
        columns: USER_COLUMNS, title: "Username", sections: USER_FORM, extras: &[Extra::EffectiveRoles],
    },
    ScreenDef {
        key: "suppliergroups", label: "Supplier user groups", kind: Kind::SupplierUserGroup,
        intro: "Groups of a supplier's users.",
        columns: GROUP_COLUMNS, title: "Name", sections: GROUP_FORM, extras: &[Extra::Members],
    },
    ScreenDef {
        key: "impersonationconfigs", label: "Impersonation configs", kind: Kind::ImpersonationConfig,
        intro: "Who may act on behalf of which buyer users, with which roles, in which API client.",
        columns: &["ID", "ImpersonationGroupID", "BuyerID", "GroupID", "SecurityProfileID"],
        title: "ID",
        sections: &[
            ("Who may impersonate", &[
                ("ImpersonationBuyerID", W::Pick(Pick::Buyers), "Empty: seller (admin) users. A buyer: that buyer's users."),
                ("ImpersonationGroupID", W::Pick(Pick::Groups { buyer_field: "ImpersonationBuyerID", admin_when_empty: true }), "A group of them…"),
                ("ImpersonationUserID", W::Pick(Pick::Users { buyer_field: "ImpersonationBuyerID", admin_when_empty: true }), "…or one user. Neither: all of them."),
            ]),
            ("Whom", &[
                ("BuyerID", W::Pick(Pick::Buyers), "The buyer whose users may be acted as."),
                ("GroupID", W::Pick(Pick::Groups { buyer_field: "BuyerID", admin_when_empty: false }), "Only users in this group…"),
                ("UserID", W::Pick(Pick::Users { buyer_field: "BuyerID", admin_when_empty: false }), "…or only this user. Neither: every user of the buyer."),
            ]),
            ("With", &[
                ("SecurityProfileID", W::Pick(Pick::Profiles), "The most roles an act-as token may have."),
                ("ClientID", W::Pick(Pick::Clients), "The application the act-as token is for."),
                ("ID", W::Text, "Leave empty and the API makes one."),
            ]),
        ],
        extras: &[],
    },
];

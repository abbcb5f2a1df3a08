//! Access review over a whole marketplace: who holds which API roles and through what, who can
//! call an operation, and who can act as whom.
//!
//! A [`Marketplace`] is a snapshot of what OrderCloud's documented list endpoints return (see
//! [`Input`]); an [`AccessMap`] is built from it once and then answers the screens' questions
//! without another request. Whether an assignment reaches a user is decided by
//! [`SecurityProfileAssignment::reaches`], the rule the sandbox grants tokens and `/me`'s
//! `AvailableRoles` with; the map only indexes assignments by the party they name so that it
//! need not ask every assignment about every user (the tests check the two agree). Who may act
//! as whom is decided by [`crate::impersonation`]'s rule, likewise shared.
//!
//! Roles are held as a bitset ([`RoleSet`], one `u128` over [`ALL_ROLES`]); custom roles (never
//! an API role, never in `AvailableRoles`) are interned and kept beside it.

pub mod export;
pub mod synth;
#[cfg(test)]
mod tests;

use crate::impersonation::{config_matches, impersonator_matches, target_matches, Impersonator, Target};
use crate::resources::UserType;
use crate::roles::{ALL_ROLES, FULL_ACCESS, GRANT_FOR_ANY_ROLE};
use crate::types::{
    ApiClient, ApiClientAssignment, Company, ImpersonationConfig, SecurityProfile, SecurityProfileAssignment, User,
    UserGroup, UserGroupAssignment,
};
use std::collections::{HashMap, HashSet};

// ---------------------------------------------------------------------------------------------
// Roles as bits

const _: () = assert!(ALL_ROLES.len() <= 128, "API roles no longer fit a u128");

/// The position of an API role in [`ALL_ROLES`].
pub fn role_index(name: &str) -> Option<usize> {
    ALL_ROLES.iter().position(|r| *r == name)
}

/// A set of API roles, one bit per role of [`ALL_ROLES`]. Names that are not API roles are not
/// held (as `AvailableRoles` leaves them out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(pub u128);

impl RoleSet {
    pub const EMPTY: RoleSet = RoleSet(0);

    pub fn of<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> RoleSet {
        let mut set = RoleSet::EMPTY;
        for n in names {
            if let Some(i) = role_index(n.as_ref()) {
                set.insert(i);
            }
        }
        set
    }
    pub fn one(index: usize) -> RoleSet {
        RoleSet(1 << index)
    }
    pub fn insert(&mut self, index: usize) {
        self.0 |= 1 << index;
    }
    pub fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }
    pub fn contains(self, name: &str) -> bool {
        role_index(name).is_some_and(|i| self.has(i))
    }
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn intersects(self, other: RoleSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn union(self, other: RoleSet) -> RoleSet {
        RoleSet(self.0 | other.0)
    }
    pub fn and(self, other: RoleSet) -> RoleSet {
        RoleSet(self.0 & other.0)
    }
    pub fn without(self, other: RoleSet) -> RoleSet {
        RoleSet(self.0 & !other.0)
    }
    /// Role indices, in the API's order.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                i
            })
        })
    }
    /// Role names, in the API's order (the order of `AvailableRoles`).
    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(|i| ALL_ROLES[i]).collect()
    }
}

/// The high-risk roles an access review looks for first, each with why.
pub const ELEVATED: &[(&str, &str)] = &[
    (FULL_ACCESS, "passes every role check: its holder can read, change and delete anything in the marketplace"),
    (
        GRANT_FOR_ANY_ROLE,
        "lets its holder put roles it does not hold into profiles and assign them, so it can reach any role",
    ),
    ("SetSecurityProfile", "assigns security profiles and manages impersonation configs: decides who holds what"),
    ("SecurityProfileAdmin", "creates and changes security profiles and their assignments: what each role set holds"),
    ("ApiClientAdmin", "creates and changes API clients: who may sign in where, client secrets, default context users"),
    ("AdminUserAdmin", "creates, changes and unlocks admin users, the only users whose roles cross companies"),
    ("BuyerUserAdmin", "creates and changes buyer users, their passwords and active flags"),
    ("SupplierUserAdmin", "creates and changes supplier users, their passwords and active flags"),
    (
        "BuyerImpersonation",
        "acts as buyer users wherever an impersonation config allows: their orders, cards, addresses",
    ),
];

/// The elevated roles as a set.
pub fn elevated() -> RoleSet {
    RoleSet::of(ELEVATED.iter().map(|(r, _)| *r))
}

/// Why a role is elevated, or `None` when it is not.
pub fn elevated_reason(role: &str) -> Option<&'static str> {
    ELEVATED.iter().find(|(r, _)| *r == role).map(|(_, why)| *why)
}

/// An API role (index into [`ALL_ROLES`]) or a custom role (index into [`AccessMap::custom_roles`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleRef {
    Api(usize),
    Custom(usize),
}

// ---------------------------------------------------------------------------------------------
// The snapshot

/// The users of one party (the marketplace's admin users, or one buyer's or supplier's users)
/// with its groups and their memberships, as its list endpoints return them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Party {
    pub user_type: UserType,
    /// The buyer or supplier; for the admin party, the marketplace itself with an empty ID.
    pub company: Company,
    pub users: Vec<User>,
    pub groups: Vec<UserGroup>,
    pub memberships: Vec<UserGroupAssignment>,
}

/// Everything an access review reads, from the documented list endpoints ([`Input`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marketplace {
    pub id: String,
    pub name: String,
    /// The admin party first, then the buyers, then the suppliers (any order works).
    pub parties: Vec<Party>,
    pub profiles: Vec<SecurityProfile>,
    pub assignments: Vec<SecurityProfileAssignment>,
    pub api_clients: Vec<ApiClient>,
    pub api_client_assignments: Vec<ApiClientAssignment>,
    pub impersonation_configs: Vec<ImpersonationConfig>,
    /// Inputs that could not be read (a 403): the map built without them is incomplete.
    pub gaps: Vec<Gap>,
}

impl Marketplace {
    /// An empty marketplace with its (empty) admin party.
    pub fn new(id: &str, name: &str) -> Marketplace {
        Marketplace {
            id: id.into(),
            name: name.into(),
            parties: vec![Party {
                user_type: UserType::Admin,
                company: Company { id: String::new(), name: name.into(), active: true, xp: None },
                ..Party::default()
            }],
            ..Marketplace::default()
        }
    }

    /// The party of `t` and `company` ('' for admin users), if listed.
    pub fn party(&self, t: UserType, company: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.user_type == t && p.company.id == company)
    }

    /// The party of `t` and `company`, added (active, unnamed) when missing.
    pub fn party_mut(&mut self, t: UserType, company: &str) -> &mut Party {
        let i = match self.parties.iter().position(|p| p.user_type == t && p.company.id == company) {
            Some(i) => i,
            None => {
                self.parties.push(Party {
                    user_type: t,
                    company: Company { id: company.into(), ..Company::default() },
                    ..Party::default()
                });
                self.parties.len() - 1
            }
        };
        &mut self.parties[i]
    }

    /// Adds one page of `input` (its `Items`, as the API answered them; `company` is the buyer
    /// or supplier ID of a per-company input). An item that does not read as its type is
    /// skipped and counted in the answer.
    pub fn add_items(&mut self, input: Input, company: &str, items: Vec<serde_json::Value>) -> usize {
        fn read<T: serde::de::DeserializeOwned>(items: Vec<serde_json::Value>, bad: &mut usize) -> Vec<T> {
            items
                .into_iter()
                .filter_map(|v| {
                    let r = serde_json::from_value(v).ok();
                    *bad += usize::from(r.is_none());
                    r
                })
                .collect()
        }
        let mut bad = 0;
        let party = |t: UserType| if t == UserType::Admin { "" } else { company };
        use Input::*;
        match input {
            SecurityProfiles => self.profiles.extend(read(items, &mut bad)),
            SecurityProfileAssignments => self.assignments.extend(read(items, &mut bad)),
            Buyers | Suppliers => {
                let t = if input == Buyers { UserType::Buyer } else { UserType::Supplier };
                for c in read::<Company>(items, &mut bad) {
                    self.add_company(t, c);
                }
            }
            AdminUsers | BuyerUsers | SupplierUsers => {
                let t = input.user_type().unwrap_or_default();
                let users = read(items, &mut bad);
                self.party_mut(t, party(t)).users.extend(users);
            }
            AdminUserGroups | BuyerUserGroups | SupplierUserGroups => {
                let t = input.user_type().unwrap_or_default();
                let groups = read(items, &mut bad);
                self.party_mut(t, party(t)).groups.extend(groups);
            }
            AdminUserGroupAssignments | BuyerUserGroupAssignments | SupplierUserGroupAssignments => {
                let t = input.user_type().unwrap_or_default();
                let memberships = read(items, &mut bad);
                self.party_mut(t, party(t)).memberships.extend(memberships);
            }
            ApiClients => self.api_clients.extend(read(items, &mut bad)),
            ApiClientAssignments => self.api_client_assignments.extend(read(items, &mut bad)),
            ImpersonationConfigs => self.impersonation_configs.extend(read(items, &mut bad)),
        }
        bad
    }

    /// Notes that `input` was refused (a 403), so the map says what it leaves out.
    pub fn refused(&mut self, input: Input, company: &str) {
        self.gaps.push(Gap { input, company: company.into() });
    }

    /// Adds a buyer or supplier company (its users and groups to follow).
    pub fn add_company(&mut self, t: UserType, company: Company) -> &mut Party {
        let id = company.id.clone();
        let p = self.party_mut(t, &id);
        p.company = company;
        p
    }
}

/// One list endpoint an access map reads. `path` takes the buyer or supplier ID where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    SecurityProfiles,
    SecurityProfileAssignments,
    AdminUsers,
    AdminUserGroups,
    AdminUserGroupAssignments,
    Buyers,
    BuyerUsers,
    BuyerUserGroups,
    BuyerUserGroupAssignments,
    Suppliers,
    SupplierUsers,
    SupplierUserGroups,
    SupplierUserGroupAssignments,
    ApiClients,
    ApiClientAssignments,
    ImpersonationConfigs,
}

impl Input {
    pub const ALL: &'static [Input] = &[
        Input::SecurityProfiles,
        Input::SecurityProfileAssignments,
        Input::AdminUsers,
        Input::AdminUserGroups,
        Input::AdminUserGroupAssignments,
        Input::Buyers,
        Input::BuyerUsers,
        Input::BuyerUserGroups,
        Input::BuyerUserGroupAssignments,
        Input::Suppliers,
        Input::SupplierUsers,
        Input::SupplierUserGroups,
        Input::SupplierUserGroupAssignments,
        Input::ApiClients,
        Input::ApiClientAssignments,
        Input::ImpersonationConfigs,
    ];

    /// The kind of user whose users, groups or memberships this input lists.
    pub fn user_type(self) -> Option<UserType> {
        use Input::*;
        match self {
            AdminUsers | AdminUserGroups | AdminUserGroupAssignments => Some(UserType::Admin),
            _ => self.per_company(),
        }
    }

    /// Does this input repeat for every buyer (or supplier)?
    pub fn per_company(self) -> Option<UserType> {
        use Input::*;
        match self {
            BuyerUsers | BuyerUserGroups | BuyerUserGroupAssignments => Some(UserType::Buyer),
            SupplierUsers | SupplierUserGroups | SupplierUserGroupAssignments => Some(UserType::Supplier),
            _ => None,
        }
    }

    /// The list path (without `/v1`); `company` fills `{buyerID}` / `{supplierID}`.
    pub fn path(self, company: &str) -> String {
        use Input::*;
        match self {
            SecurityProfiles => "/securityprofiles".into(),
            SecurityProfileAssignments => "/securityprofiles/assignments".into(),
            AdminUsers => "/adminusers".into(),
            AdminUserGroups => "/usergroups".into(),
            AdminUserGroupAssignments => "/usergroups/assignments".into(),
            Buyers => "/buyers".into(),
            BuyerUsers => format!("/buyers/{company}/users"),
            BuyerUserGroups => format!("/buyers/{company}/usergroups"),
            BuyerUserGroupAssignments => format!("/buyers/{company}/usergroups/assignments"),
            Suppliers => "/suppliers".into(),
            SupplierUsers => format!("/suppliers/{company}/users"),
            SupplierUserGroups => format!("/suppliers/{company}/usergroups"),
            SupplierUserGroupAssignments => format!("/suppliers/{company}/usergroups/assignments"),
            ApiClients => "/apiclients".into(),
            ApiClientAssignments => "/apiclients/assignments".into(),
            ImpersonationConfigs => "/impersonationconfig".into(),
        }
    }

    /// Roles that let a token list it (FullAccess also does), as the API's description says.
    pub fn roles(self) -> &'static [&'static str] {
        use Input::*;
        match self {
            SecurityProfiles => &["SecurityProfileAdmin", "SetSecurityProfile", "SecurityProfileReader"],
            SecurityProfileAssignments => &["SecurityProfileAdmin", "SetSecurityProfile"],
            AdminUsers => &["AdminUserAdmin", "AdminUserReader"],
            AdminUserGroups | AdminUserGroupAssignments => &["AdminUserGroupAdmin", "AdminUserGroupReader"],
            Buyers => &["BuyerAdmin", "BuyerReader"],
            BuyerUsers => &["BuyerUserAdmin", "BuyerUserReader"],
            BuyerUserGroups | BuyerUserGroupAssignments => &["UserGroupAdmin", "UserGroupReader"],
            Suppliers => &["SupplierAdmin", "SupplierReader"],
            SupplierUsers => &["SupplierUserAdmin", "SupplierUserReader"],
            SupplierUserGroups | SupplierUserGroupAssignments => &["SupplierUserGroupAdmin", "SupplierUserGroupReader"],
            ApiClients | ApiClientAssignments => &["ApiClientAdmin", "ApiClientReader"],
            ImpersonationConfigs => &["SetSecurityProfile"],
        }
    }

    /// What the map lacks without this input, in words.
    pub fn leaves_out(self) -> &'static str {
        use Input::*;
        match self {
            SecurityProfiles => "every role: without the profiles no assignment can be read as roles",
            SecurityProfileAssignments => "every role: no assignment is known, so no user holds anything",
            AdminUsers => "the admin users",
            AdminUserGroups | AdminUserGroupAssignments => "admin users' group memberships and the roles they bring",
            Buyers => "every buyer and its users",
            BuyerUsers => "this buyer's users",
            BuyerUserGroups | BuyerUserGroupAssignments => "this buyer's group memberships and the roles they bring",
            Suppliers => "every supplier and its users",
            SupplierUsers => "this supplier's users",
            SupplierUserGroups | SupplierUserGroupAssignments => {
                "this supplier's group memberships and the roles they bring"
            }
            ApiClients | ApiClientAssignments => "which applications admit which users",
            ImpersonationConfigs => "who can act as whom",
        }
    }
}

/// An input the reader was refused: which, for which company, and the roles that would allow it.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub input: Input,
    /// The buyer or supplier ID for a per-company input, else empty.
    pub company: String,
}

impl Gap {
    /// "Reading /buyers/B/users needs one of FullAccess, BuyerUserAdmin, BuyerUserReader: the map
    /// leaves out this buyer's users."
    pub fn describe(&self) -> String {
        format!(
            "Reading {} needs one of {}, {}: the map leaves out {}.",
            self.input.path(&self.company),
            FULL_ACCESS,
            self.input.roles().join(", "),
            self.input.leaves_out()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The map

/// The level an assignment is made at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    Marketplace,
    Buyer,
    Supplier,
    Group,
    User,
}

impl AccessLevel {
    pub fn of(a: &SecurityProfileAssignment) -> AccessLevel {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        if set(&a.user_id) {
            AccessLevel::User
        } else if set(&a.user_group_id) {
            AccessLevel::Group
        } else if set(&a.buyer_id) {
            AccessLevel::Buyer
        } else if set(&a.supplier_id) {
            AccessLevel::Supplier
        } else {
            AccessLevel::Marketplace
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Marketplace => "marketplace",
            AccessLevel::Buyer => "buyer",
            AccessLevel::Supplier => "supplier",
            AccessLevel::Group => "group",
            AccessLevel::User => "user",
        }
    }
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// Where an assignment reaches: "the marketplace", "buyer B", "group G of buyer B", "user U".
pub fn describe_assignment(a: &SecurityProfileAssignment) -> String {
    let company = match (nonempty(&a.buyer_id), nonempty(&a.supplier_id)) {
        (Some(b), None) => format!("buyer {b}"),
        (None, Some(s)) => format!("supplier {s}"),
        (None, None) => "the marketplace".into(),
        (Some(b), Some(s)) => format!("buyer {b} and supplier {s} (reaches no one)"),
    };
    match (nonempty(&a.user_id), nonempty(&a.user_group_id)) {
        (Some(u), _) => format!("user {u} of {company}"),
        (None, Some(g)) => format!("group {g} of {company}"),
        (None, None) => company,
    }
}

/// One user of the marketplace in the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub user_type: UserType,
    /// Index into [`Marketplace::parties`].
    pub party: u32,
    /// Index into the party's users.
    pub user: u32,
    /// The user's groups: indices into the party's groups.
    pub groups: Vec<u32>,
    /// API roles held (what `AvailableRoles` lists).
    pub roles: RoleSet,
    /// Custom roles held: indices into [`AccessMap::custom_roles`], ascending.
    pub custom: Vec<u32>,
    /// The assignments reaching the user: indices into [`Marketplace::assignments`], ascending.
    pub via: Vec<u32>,
    /// Lowercased name, username, ID and email, for search.
    key: String,
}

/// Where a held role comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Source<'a> {
    /// Index into [`Marketplace::assignments`].
    pub assignment: usize,
    pub profile: &'a SecurityProfile,
    pub level: AccessLevel,
    /// The group for a group-level assignment.
    pub group: Option<&'a str>,
}

impl Source<'_> {
    /// "Admin User Profile (ADMIN_PROFILE) assigned to group CALL_CENTER of the marketplace"
    pub fn describe(&self, m: &Marketplace) -> String {
        format!(
            "{} ({}) assigned to {}",
            self.profile.name,
            self.profile.id,
            describe_assignment(&m.assignments[self.assignment])
        )
    }
    /// Short form for a cell: "ADMIN_PROFILE (group CALL_CENTER)".
    pub fn short(&self, m: &Marketplace) -> String {
        let a = &m.assignments[self.assignment];
        let at = match self.level {
            AccessLevel::Marketplace => "marketplace".to_string(),
            AccessLevel::Buyer => format!("buyer {}", nonempty(&a.buyer_id).unwrap_or_default()),
            AccessLevel::Supplier => format!("supplier {}", nonempty(&a.supplier_id).unwrap_or_default()),
            AccessLevel::Group => format!("group {}", self.group.unwrap_or_default()),
            AccessLevel::User => "user".to_string(),
        };
        format!("{} ({at})", self.profile.id)
    }
}

/// The screen's filters; all that are set must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub user_type: Option<UserType>,
    /// A party: index into [`Marketplace::parties`].
    pub company: Option<usize>,
    /// A group: (party, index into its groups).
    pub group: Option<(usize, usize)>,
    pub role: Option<RoleRef>,
    /// Only users holding one of the [`ELEVATED`] roles.
    pub elevated: bool,
    /// Only active users of active companies (`Some(true)`), only the others (`Some(false)`).
    pub active: Option<bool>,
    /// Part of the name, username, ID or email, in any case.
    pub search: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// By username (then company, then ID).
    #[default]
    User,
    UserDescending,
    /// Most roles (API and custom) first; ties by user.
    MostRoles,
    FewestRoles,
}

/// Who holds what in a marketplace, built once from a [`Marketplace`].
#[derive(Debug, Clone)]
pub struct AccessMap {
    market: Marketplace,
    rows: Vec<Row>,
    /// Row indices ordered by user (username, company, ID).
    by_user: Vec<u32>,
    /// Each row's place in `by_user`.
    rank: Vec<u32>,
    custom_roles: Vec<String>,
    profile_roles: Vec<RoleSet>,
    profile_custom: Vec<Vec<u32>>,
    profile_by_id: HashMap<String, u32>,
    /// Each assignment's profile, when listed.
    assignment_profile: Vec<Option<u32>>,
    find: HashMap<(UserType, String, String), u32>,
    client_by_id: HashMap<String, u32>,
    /// (client, buyer or supplier, company) of each API client assignment.
    client_admits: HashSet<(String, UserType, String)>,
}

/// The assignments naming one party, by what they name.
#[derive(Default)]
struct PartyIndex<'a> {
    company: Vec<u32>,
    groups: HashMap<&'a str, Vec<u32>>,
    users: HashMap<&'a str, Vec<u32>>,
}

impl AccessMap {
    /// Builds the map. A membership naming a group its party's list did not return adds that
    /// group (unnamed) to the party, since the membership alone decides what reaches the user.
    pub fn build(mut market: Marketplace) -> AccessMap {
        // groups named by memberships only
        for p in &mut market.parties {
            let known: HashSet<String> = p.groups.iter().map(|g| g.id.clone()).collect();
            let mut extra: Vec<String> =
                p.memberships.iter().map(|m| m.user_group_id.clone()).filter(|g| !known.contains(g)).collect();
            extra.sort();
            extra.dedup();
            p.groups.extend(extra.into_iter().map(|id| UserGroup { id, ..UserGroup::default() }));
        }

        let mut custom_roles: Vec<String> = Vec::new();
        let mut custom_index: HashMap<String, u32> = HashMap::new();
        let mut profile_roles = Vec::with_capacity(market.profiles.len());
        let mut profile_custom = Vec::with_capacity(market.profiles.len());
        let mut profile_by_id = HashMap::new();
        for (i, p) in market.profiles.iter().enumerate() {
            profile_roles.push(RoleSet::of(&p.roles));
            let mut cs: Vec<u32> = p
                .custom_roles
                .iter()
                .map(|c| {
                    *custom_index.entry(c.clone()).or_insert_with(|| {
                        custom_roles.push(c.clone());
                        custom_roles.len() as u32 - 1
                    })
                })
                .collect();
            cs.sort_unstable();
            cs.dedup();
            profile_custom.push(cs);
            profile_by_id.entry(p.id.clone()).or_insert(i as u32);
        }
        let assignment_profile: Vec<Option<u32>> =
            market.assignments.iter().map(|a| profile_by_id.get(&a.security_profile_id).copied()).collect();

        // assignments by the party they name; one naming both a buyer and a supplier reaches no one
        let mut index: HashMap<(UserType, &str), PartyIndex> = HashMap::new();
        for (i, a) in market.assignments.iter().enumerate() {
            let party = match (nonempty(&a.buyer_id), nonempty(&a.supplier_id)) {
                (None, None) => (UserType::Admin, ""),
                (Some(b), None) => (UserType::Buyer, b),
                (None, Some(s)) => (UserType::Supplier, s),
                (Some(_), Some(_)) => continue,
            };
            let slot = index.entry(party).or_default();
            match (nonempty(&a.user_id), nonempty(&a.user_group_id)) {
                (Some(u), _) => slot.users.entry(u).or_default().push(i as u32),
                (None, Some(g)) => slot.groups.entry(g).or_default().push(i as u32),
                (None, None) => slot.company.push(i as u32),
            }
        }

        let mut rows = Vec::new();
        let mut find = HashMap::new();
        let empty = PartyIndex::default();
        for (pi, p) in market.parties.iter().enumerate() {
            let slot = index.get(&(p.user_type, p.company.id.as_str())).unwrap_or(&empty);
            let group_pos: HashMap<&str, u32> =
                p.groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i as u32)).collect();
            let mut member_of: HashMap<&str, Vec<u32>> = HashMap::new();
            for m in &p.memberships {
                if let Some(&g) = group_pos.get(m.user_group_id.as_str()) {
                    member_of.entry(m.user_id.as_str()).or_default().push(g);
                }
            }
            for (ui, u) in p.users.iter().enumerate() {
                let mut groups = member_of.remove(u.id.as_str()).unwrap_or_default();
                groups.sort_unstable();
                groups.dedup();
                let mut via: Vec<u32> = slot.company.clone();
                for g in &groups {
                    if let Some(list) = slot.groups.get(p.groups[*g as usize].id.as_str()) {
                        via.extend(list);
                    }
                }
                if let Some(list) = slot.users.get(u.id.as_str()) {
                    via.extend(list);
                }
                via.sort_unstable();
                via.dedup();
                let mut roles = RoleSet::EMPTY;
                let mut custom = Vec::new();
                for a in &via {
                    if let Some(pr) = assignment_profile[*a as usize] {
                        roles = roles.union(profile_roles[pr as usize]);
                        custom.extend(&profile_custom[pr as usize]);
                    }
                }
                custom.sort_unstable();
                custom.dedup();
                let key =
                    format!("{} {} {} {} {}", u.first_name, u.last_name, u.username, u.id, u.email).to_lowercase();
                find.insert((p.user_type, p.company.id.clone(), u.id.clone()), rows.len() as u32);
                rows.push(Row {
                    user_type: p.user_type,
                    party: pi as u32,
                    user: ui as u32,
                    groups,
                    roles,
                    custom,
                    via,
                    key,
                });
            }
        }

        let mut by_user: Vec<u32> = (0..rows.len() as u32).collect();
        {
            let sort_key = |r: &Row| {
                let p = &market.parties[r.party as usize];
                let u = &p.users[r.user as usize];
                (u.username.to_lowercase(), p.company.id.clone(), u.id.clone())
            };
            let keys: Vec<_> = rows.iter().map(sort_key).collect();
            by_user.sort_by(|a, b| keys[*a as usize].cmp(&keys[*b as usize]));
        }
        let mut rank = vec![0u32; rows.len()];
        for (pos, r) in by_user.iter().enumerate() {
            rank[*r as usize] = pos as u32;
        }

        let client_by_id = market.api_clients.iter().enumerate().map(|(i, c)| (c.id.clone(), i as u32)).collect();
        let mut client_admits = HashSet::new();
        for a in &market.api_client_assignments {
            if let Some(b) = nonempty(&a.buyer_id) {
                client_admits.insert((a.api_client_id.clone(), UserType::Buyer, b.to_string()));
            }
            if let Some(s) = nonempty(&a.supplier_id) {
                client_admits.insert((a.api_client_id.clone(), UserType::Supplier, s.to_string()));
            }
        }

        AccessMap {
            market,
            rows,
            by_user,
            rank,
            custom_roles,
            profile_roles,
            profile_custom,
            profile_by_id,
            assignment_profile,
            find,
            client_by_id,
            client_admits,
        }
    }

    pub fn market(&self) -> &Marketplace {
        &self.market
    }
    pub fn into_market(self) -> Marketplace {
        self.market
    }
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
    pub fn row(&self, r: usize) -> &Row {
        &self.rows[r]
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// Every custom role some profile holds, in the order first met.
    pub fn custom_roles(&self) -> &[String] {
        &self.custom_roles
    }

    /// The row of a user: `company` is '' for admin users.
    pub fn find(&self, t: UserType, company: &str, user_id: &str) -> Option<usize> {
        self.find.get(&(t, company.to_string(), user_id.to_string())).map(|r| *r as usize)
    }
    /// The row of the first user with this username (usernames are unique per marketplace).
    pub fn find_username(&self, username: &str) -> Option<usize> {
        self.rows.iter().position(|r| self.user(r).username == username)
    }

    pub fn party(&self, row: &Row) -> &Party {
        &self.market.parties[row.party as usize]
    }
    pub fn user(&self, row: &Row) -> &User {
        &self.party(row).users[row.user as usize]
    }
    /// The user's company ID ('' for admin users).
    pub fn company_id(&self, row: &Row) -> &str {
        &self.party(row).company.id
    }
    pub fn group_ids(&self, row: &Row) -> Vec<String> {
        let p = self.party(row);
        row.groups.iter().map(|g| p.groups[*g as usize].id.clone()).collect()
    }
    /// Active, and of an active company.
    pub fn is_active(&self, row: &Row) -> bool {
        self.user(row).active && self.party(row).company.active
    }
    /// The custom roles held, by name.
    pub fn custom_names(&self, row: &Row) -> Vec<&str> {
        row.custom.iter().map(|c| self.custom_roles[*c as usize].as_str()).collect()
    }
    /// `AvailableRoles` as the API reports it for this user: API roles in the API's order.
    pub fn available_roles(&self, row: &Row) -> Vec<&'static str> {
        row.roles.names()
    }

    pub fn role_ref(&self, name: &str) -> Option<RoleRef> {
        role_index(name)
            .map(RoleRef::Api)
            .or_else(|| self.custom_roles.iter().position(|c| c == name).map(RoleRef::Custom))
    }
    pub fn role_name(&self, r: RoleRef) -> &str {
        match r {
            RoleRef::Api(i) => ALL_ROLES[i],
            RoleRef::Custom(i) => &self.custom_roles[i],
        }
    }
    pub fn holds(&self, row: &Row, role: RoleRef) -> bool {
        match role {
            RoleRef::Api(i) => row.roles.has(i),
            RoleRef::Custom(i) => row.custom.binary_search(&(i as u32)).is_ok(),
        }
    }

    /// The profile of assignment `a`, when listed.
    pub fn profile_of(&self, a: usize) -> Option<&SecurityProfile> {
        self.assignment_profile[a].map(|p| &self.market.profiles[p as usize])
    }
    pub fn profile_roles(&self, profile: usize) -> RoleSet {
        self.profile_roles[profile]
    }
    pub fn profile_index(&self, id: &str) -> Option<usize> {
        self.profile_by_id.get(id).map(|p| *p as usize)
    }

    fn source(&self, a: usize) -> Option<Source<'_>> {
        let profile = self.profile_of(a)?;
        let asg = &self.market.assignments[a];
        let level = AccessLevel::of(asg);
        let group = if level == AccessLevel::Group { nonempty(&asg.user_group_id) } else { None };
        Some(Source { assignment: a, profile, level, group })
    }

    /// Where `row` gets `role` from: every reaching assignment whose profile holds it.
    pub fn sources(&self, row: &Row, role: RoleRef) -> Vec<Source<'_>> {
        row.via
            .iter()
            .filter(|a| match (self.assignment_profile[**a as usize], role) {
                (Some(p), RoleRef::Api(i)) => self.profile_roles[p as usize].has(i),
                (Some(p), RoleRef::Custom(i)) => self.profile_custom[p as usize].contains(&(i as u32)),
                (None, _) => false,
            })
            .filter_map(|a| self.source(*a as usize))
            .collect()
    }

    /// Every assignment reaching `row`, with its profile (dangling ones left out).
    pub fn reaching(&self, row: &Row) -> Vec<Source<'_>> {
        row.via.iter().filter_map(|a| self.source(*a as usize)).collect()
    }

    /// The rows the screen shows for `filter`, in `sort` order.
    pub fn view(&self, filter: &Filter, sort: SortBy) -> Vec<u32> {
        let elevated = elevated();
        let needle = filter.search.trim().to_lowercase();
        let keep = |r: &Row| {
            filter.user_type.is_none_or(|t| r.user_type == t)
                && filter.company.is_none_or(|c| r.party as usize == c)
                && filter.group.is_none_or(|(p, g)| r.party as usize == p && r.groups.contains(&(g as u32)))
                && filter.role.is_none_or(|role| self.holds(r, role))
                && (!filter.elevated || r.roles.intersects(elevated))
                && filter.active.is_none_or(|a| self.is_active(r) == a)
                && (needle.is_empty() || r.key.contains(&needle))
        };
        let mut out: Vec<u32> = self.by_user.iter().copied().filter(|r| keep(&self.rows[*r as usize])).collect();
        let count = |r: u32| {
            let row = &self.rows[r as usize];
            row.roles.len() + row.custom.len() as u32
        };
        match sort {
            SortBy::User => {}
            SortBy::UserDescending => out.reverse(),
            SortBy::MostRoles => out.sort_by_key(|r| (std::cmp::Reverse(count(*r)), self.rank[*r as usize])),
            SortBy::FewestRoles => out.sort_by_key(|r| (count(*r), self.rank[*r as usize])),
        }
        out
    }

    /// The rows holding `role`, by user.
    pub fn holders(&self, role: RoleRef) -> Vec<u32> {
        self.view(&Filter { role: Some(role), ..Filter::default() }, SortBy::User)
    }

    /// Every role held by someone, with how many hold it: API roles in the API's order, then
    /// custom roles.
    pub fn roles_in_use(&self) -> Vec<(RoleRef, usize)> {
        let mut api = [0usize; 128];
        let mut custom = vec![0usize; self.custom_roles.len()];
        for r in &self.rows {
            for i in r.roles.iter() {
                api[i] += 1;
            }
            for c in &r.custom {
                custom[*c as usize] += 1;
            }
        }
        let api = (0..ALL_ROLES.len()).filter(|i| api[*i] > 0).map(|i| (RoleRef::Api(i), api[i]));
        let custom = custom.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, n)| (RoleRef::Custom(i), *n));
        api.chain(custom).collect()
    }

    /// The elevated roles `row` holds, each with why it is elevated.
    pub fn elevated_of(&self, row: &Row) -> Vec<(&'static str, &'static str)> {
        ELEVATED.iter().filter(|(r, _)| row.roles.contains(r)).copied().collect()
    }

    // -----------------------------------------------------------------------------------------
    // Can this user call this operation?

    /// May `row` sign in through `client`? The problems in the order the API checks them;
    /// empty when it may.
    pub fn sign_in(&self, row: &Row, client_id: &str) -> Vec<SignInProblem> {
        let Some(client) = self.client_by_id.get(client_id).map(|c| &self.market.api_clients[*c as usize]) else {
            return vec![SignInProblem::UnknownClient];
        };
        let mut out = Vec::new();
        if !client.active {
            out.push(SignInProblem::ClientInactive);
        }
        if !self.user(row).active {
            out.push(SignInProblem::UserInactive);
        }
        if row.user_type != UserType::Admin && !self.party(row).company.active {
            out.push(SignInProblem::CompanyInactive);
        }
        if !self.client_admits(client, row.user_type, self.company_id(row)) {
            let company = self.company_id(row).to_string();
            out.push(SignInProblem::ClientDoesNotAdmit {
                fix: match row.user_type {
                    UserType::Admin => None,
                    UserType::Buyer => Some(ApiClientAssignment {
                        api_client_id: client.id.clone(),
                        buyer_id: Some(company),
                        supplier_id: None,
                    }),
                    UserType::Supplier => Some(ApiClientAssignment {
                        api_client_id: client.id.clone(),
                        buyer_id: None,
                        supplier_id: Some(company),
                    }),
                },
            });
        }
        out
    }

    /// The API client's access settings and assignments: does it admit users of `t` in `company`?
    pub fn client_admits(&self, client: &ApiClient, t: UserType, company: &str) -> bool {
        match t {
            UserType::Admin => client.allow_seller,
            UserType::Buyer => {
                client.allow_any_buyer || self.client_admits.contains(&(client.id.clone(), t, company.to_string()))
            }
            UserType::Supplier => {
                client.allow_any_supplier || self.client_admits.contains(&(client.id.clone(), t, company.to_string()))
            }
        }
    }

    /// Can `row` call `op` through API client `client_id`? Yes or no, with the roles held and
    /// through what, whether the user may sign in through the client, and when no, what would
    /// grant the missing role.
    pub fn can_call(&self, row: usize, client_id: &str, op: &Operation) -> CallCheck {
        let r = &self.rows[row];
        let sufficient = op.sufficient();
        let held_set = r.roles.and(sufficient);
        let held: Vec<(usize, Vec<usize>)> = held_set
            .iter()
            .map(|i| (i, self.sources(r, RoleRef::Api(i)).iter().map(|s| s.assignment).collect()))
            .collect();
        let roles_ok = op.roles.is_empty() || !held.is_empty();
        let sign_in = self.sign_in(r, client_id);
        let scope = Scope::of(op.path, r.user_type, self.company_id(r));
        let (missing, grants, no_profile) = if roles_ok {
            (Vec::new(), Vec::new(), false)
        } else {
            let grants = self.grants(r, sufficient);
            let no_profile = grants.is_empty();
            (sufficient.names(), grants, no_profile)
        };
        CallCheck {
            allowed: roles_ok && sign_in.is_empty() && !scope.refuses(),
            held,
            sign_in,
            scope,
            missing,
            grants,
            no_profile,
        }
    }

    /// Assignments that would give `row` one of `sufficient`: each profile holding such a role,
    /// assigned to one of the user's groups, then to its company, then to the user alone.
    /// Within a level, profiles without FullAccess first, then those granting fewer elevated and
    /// fewer roles in all.
    pub fn grants(&self, row: &Row, sufficient: RoleSet) -> Vec<Grant> {
        let p = self.party(row);
        let (buyer, supplier) = match row.user_type {
            UserType::Admin => (None, None),
            UserType::Buyer => (Some(p.company.id.clone()), None),
            UserType::Supplier => (None, Some(p.company.id.clone())),
        };
        let company_level = match row.user_type {
            UserType::Admin => AccessLevel::Marketplace,
            UserType::Buyer => AccessLevel::Buyer,
            UserType::Supplier => AccessLevel::Supplier,
        };
        let full = RoleSet::of([FULL_ACCESS]);
        let el = elevated();
        let mut out = Vec::new();
        for (pi, roles) in self.profile_roles.iter().enumerate() {
            if !roles.intersects(sufficient) {
                continue;
            }
            // never offered: an organization's own profiles (they belong to its built-in
            // objects), and a profile that would give FullAccess where a narrower role does
            if crate::builtin::is_builtin_profile(&self.market.profiles[pi].id)
                || (roles.and(sufficient) == full && sufficient != full)
            {
                continue;
            }
            let base = SecurityProfileAssignment {
                security_profile_id: self.market.profiles[pi].id.clone(),
                buyer_id: buyer.clone(),
                supplier_id: supplier.clone(),
                user_id: None,
                user_group_id: None,
            };
            let mut add = |assignment: SecurityProfileAssignment, level: AccessLevel| {
                out.push(Grant { profile: pi, assignment, level, roles: roles.and(sufficient) })
            };
            for g in &row.groups {
                add(
                    SecurityProfileAssignment { user_group_id: Some(p.groups[*g as usize].id.clone()), ..base.clone() },
                    AccessLevel::Group,
                );
            }
            add(base.clone(), company_level);
            add(SecurityProfileAssignment { user_id: Some(self.user(row).id.clone()), ..base }, AccessLevel::User);
        }
        let level_rank = |l: AccessLevel| match l {
            AccessLevel::Group => 0,
            AccessLevel::User => 2,
            _ => 1,
        };
        out.sort_by_key(|g| {
            let roles = self.profile_roles[g.profile];
            (level_rank(g.level), roles.intersects(full), roles.and(el).len(), roles.len(), g.profile)
        });
        out
    }

    /// May `viewer` make `grant`? An admin user holding a role that writes assignments
    /// (SecurityProfileAdmin, SetSecurityProfile or FullAccess) and either every API role of the
    /// profile or GrantForAnyRole (or FullAccess), as the API checks it.
    pub fn may_make(&self, viewer: usize, grant: &Grant) -> bool {
        let v = &self.rows[viewer];
        let writes = RoleSet::of(["SecurityProfileAdmin", "SetSecurityProfile", FULL_ACCESS]);
        let any = RoleSet::of([FULL_ACCESS, GRANT_FOR_ANY_ROLE]);
        v.user_type == UserType::Admin
            && self.is_active(v)
            && v.roles.intersects(writes)
            && (v.roles.intersects(any) || self.profile_roles[grant.profile].without(v.roles).is_empty())
    }

    /// The rows that may make `grant`, by user.
    pub fn who_can_make(&self, grant: &Grant) -> Vec<u32> {
        self.by_user.iter().copied().filter(|r| self.may_make(*r as usize, grant)).collect()
    }

    // -----------------------------------------------------------------------------------------
    // Impersonation reach

    fn impersonator<'a>(&'a self, row: &'a Row, groups: &'a [String]) -> Impersonator<'a> {
        Impersonator { user_type: row.user_type, company: self.company_id(row), user_id: &self.user(row).id, groups }
    }

    /// The impersonation configs through which `rep` may act as buyer user `user`, each with
    /// what stops it from working now (none: it works).
    pub fn can_act_as(&self, rep: usize, user: usize) -> Vec<ActAs> {
        let (r, u) = (&self.rows[rep], &self.rows[user]);
        if u.user_type != UserType::Buyer {
            return Vec::new();
        }
        let (rg, ug) = (self.group_ids(r), self.group_ids(u));
        let who = self.impersonator(r, &rg);
        let target = Target { buyer_id: self.company_id(u), user_id: &self.user(u).id, groups: &ug };
        self.market
            .impersonation_configs
            .iter()
            .enumerate()
            .filter(|(_, c)| config_matches(c, &who, &target))
            .map(|(i, c)| ActAs { config: i, problems: self.act_as_problems(r, u, c) })
            .collect()
    }

    fn act_as_problems(&self, rep: &Row, user: &Row, c: &ImpersonationConfig) -> Vec<ActAsProblem> {
        let mut out = Vec::new();
        if !rep.roles.contains("BuyerImpersonation") && !rep.roles.contains(FULL_ACCESS) {
            out.push(ActAsProblem::RepLacksBuyerImpersonation);
        }
        if !self.is_active(rep) {
            out.push(ActAsProblem::RepInactive);
        }
        if !self.user(user).active {
            out.push(ActAsProblem::UserInactive);
        }
        if !self.party(user).company.active {
            out.push(ActAsProblem::BuyerInactive);
        }
        match self.client_by_id.get(&c.client_id).map(|i| &self.market.api_clients[*i as usize]) {
            None => out.push(ActAsProblem::UnknownClient),
            Some(client) => {
                if !client.active {
                    out.push(ActAsProblem::ClientInactive);
                }
                if !self.client_admits(client, UserType::Buyer, self.company_id(user)) {
                    out.push(ActAsProblem::ClientDoesNotAdmit);
                }
            }
        }
        if self.profile_index(&c.security_profile_id).is_none() {
            out.push(ActAsProblem::UnknownProfile);
        }
        out
    }

    /// The buyer users `rep` may act as, by user, each with the first config that works (or,
    /// when none works, the first that matches, with its problems).
    pub fn acts_as(&self, rep: usize) -> Vec<(u32, ActAs)> {
        let r = &self.rows[rep];
        let rg = self.group_ids(r);
        let who = self.impersonator(r, &rg);
        let configs: Vec<usize> = (0..self.market.impersonation_configs.len())
            .filter(|i| impersonator_matches(&self.market.impersonation_configs[*i], &who))
            .collect();
        if configs.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &u in &self.by_user {
            let row = &self.rows[u as usize];
            let elsewhere = r.user_type == UserType::Buyer && row.party != r.party;
            if row.user_type != UserType::Buyer || elsewhere || u as usize == rep {
                continue;
            }
            let ug = self.group_ids(row);
            let target = Target { buyer_id: self.company_id(row), user_id: &self.user(row).id, groups: &ug };
            let mut best: Option<ActAs> = None;
            for &c in &configs {
                let cfg = &self.market.impersonation_configs[c];
                if !config_matches(cfg, &who, &target) {
                    continue;
                }
                let a = ActAs { config: c, problems: self.act_as_problems(r, row, cfg) };
                let works = a.works();
                if best.as_ref().is_none_or(|b| !b.works() && works) {
                    best = Some(a);
                }
                if works {
                    break;
                }
            }
            if let Some(a) = best {
                out.push((u, a));
            }
        }
        out
    }

    /// The admin and buyer users who may act as buyer user `user`, by user, each with the first
    /// config that works (or the first that matches, with its problems).
    pub fn who_can_act_as(&self, user: usize) -> Vec<(u32, ActAs)> {
        let u = &self.rows[user];
        if u.user_type != UserType::Buyer {
            return Vec::new();
        }
        let ug = self.group_ids(u);
        let target = Target { buyer_id: self.company_id(u), user_id: &self.user(u).id, groups: &ug };
        let configs: Vec<usize> = (0..self.market.impersonation_configs.len())
            .filter(|i| target_matches(&self.market.impersonation_configs[*i], &target))
            .collect();
        let mut out = Vec::new();
        if configs.is_empty() {
            return out;
        }
        for &r in &self.by_user {
            let row = &self.rows[r as usize];
            let candidate =
                row.user_type == UserType::Admin || (row.user_type == UserType::Buyer && row.party == u.party);
            if !candidate || r as usize == user {
                continue;
            }
            let rg = self.group_ids(row);
            let who = self.impersonator(row, &rg);
            let mut best: Option<ActAs> = None;
            for &c in &configs {
                let cfg = &self.market.impersonation_configs[c];
                if !config_matches(cfg, &who, &target) {
                    continue;
                }
                let a = ActAs { config: c, problems: self.act_as_problems(row, u, cfg) };
                let works = a.works();
                if best.as_ref().is_none_or(|b| !b.works() && works) {
                    best = Some(a);
                }
                if works {
                    break;
                }
            }
            if let Some(a) = best {
                out.push((r, a));
            }
        }
        out
    }

    /// Every impersonation config resolved: who impersonates whom, through which application
    /// and profile, with how many users each side reaches.
    pub fn impersonation_reach(&self) -> Vec<ConfigReach> {
        let mut groups_of: Vec<Vec<String>> = Vec::with_capacity(self.rows.len());
        for r in &self.rows {
            groups_of.push(self.group_ids(r));
        }
        self.market
            .impersonation_configs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut impersonators = 0;
                let mut targets = 0;
                for (ri, r) in self.rows.iter().enumerate() {
                    match r.user_type {
                        UserType::Buyer => {
                            let target = Target {
                                buyer_id: self.company_id(r),
                                user_id: &self.user(r).id,
                                groups: &groups_of[ri],
                            };
                            if target_matches(c, &target) {
                                targets += 1;
                            }
                        }
                        UserType::Supplier => continue,
                        UserType::Admin => {}
                    }
                    if impersonator_matches(c, &self.impersonator(r, &groups_of[ri])) {
                        impersonators += 1;
                    }
                }
                let (b, g, u) = (nonempty(&c.buyer_id), nonempty(&c.group_id), nonempty(&c.user_id));
                ConfigReach {
                    config: i,
                    impersonators,
                    targets,
                    whole_buyer: b.is_some() && g.is_none() && u.is_none(),
                    every_buyer: b.is_none() && g.is_none() && u.is_none(),
                    client: self.client_by_id.get(&c.client_id).map(|c| *c as usize),
                    profile: self.profile_index(&c.security_profile_id),
                }
            })
            .collect()
    }
}

/// Who impersonates, in words: "admin users in group CALL_CENTER", "users of buyer B".
pub fn describe_impersonators(c: &ImpersonationConfig) -> String {
    let base = match nonempty(&c.impersonation_buyer_id) {
        Some(b) => format!("users of buyer {b}"),
        None => "admin users".to_string(),
    };
    match (nonempty(&c.impersonation_user_id), nonempty(&c.impersonation_group_id)) {
        (Some(u), Some(g)) => format!("{base}: user {u} if in group {g}"),
        (Some(u), None) => format!("{base}: user {u}"),
        (None, Some(g)) => format!("{base} in group {g}"),
        (None, None) => format!("all {base}"),
    }
}

/// Who is impersonated, in words: "every user of buyer B", "users of buyer B in group G".
pub fn describe_targets(c: &ImpersonationConfig) -> String {
    let base = match nonempty(&c.buyer_id) {
        Some(b) => format!("buyer {b}"),
        None => "every buyer".to_string(),
    };
    match (nonempty(&c.user_id), nonempty(&c.group_id)) {
        (Some(u), Some(g)) => format!("user {u} of {base} if in group {g}"),
        (Some(u), None) => format!("user {u} of {base}"),
        (None, Some(g)) => format!("users of {base} in group {g}"),
        (None, None) => format!("every user of {base}"),
    }
}

/// An operation of the API description, as far as the check needs it.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// `operationId`, e.g. `Buyers.Delete`.
    pub id: &'a str,
    pub method: &'a str,
    /// Path without `/v1`, with its parameters, e.g. `/buyers/{buyerID}`.
    pub path: &'a str,
    /// The roles of its `security` (any one suffices; empty: any valid token).
    pub roles: &'a [String],
}

impl Operation<'_> {
    /// The roles that let a token call it: its own, and FullAccess.
    pub fn sufficient(&self) -> RoleSet {
        RoleSet::of(self.roles).union(RoleSet::of([FULL_ACCESS]))
    }
}

/// How far an operation reaches for a user of a given kind: roles are necessary, not always
/// sufficient.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// Nothing beyond the roles.
    Any,
    /// A buyer or supplier user reaches only its own company through this path.
    OwnCompany { company: String },
    /// What the path serves belongs to the seller: buyer and supplier users are refused.
    SellerOnly,
    /// The path serves another kind of company (a supplier user on `/buyers/...`): it answers
    /// with nothing of it.
    OtherParty,
}

impl Scope {
    pub fn of(path: &str, t: UserType, company: &str) -> Scope {
        let first = path.trim_start_matches('/').split(['/', '?']).next().unwrap_or_default();
        let seller = [
            "apiclients",
            "securityprofiles",
            "adminusers",
            "usergroups",
            "impersonationconfig",
            "impersonations",
            "adminaddresses",
        ];
        match (t, first) {
            (UserType::Admin, _) | (_, "me") => Scope::Any,
            (_, f) if seller.contains(&f) => Scope::SellerOnly,
            (UserType::Buyer, "buyers") | (UserType::Supplier, "suppliers") => {
                Scope::OwnCompany { company: company.to_string() }
            }
            (UserType::Buyer, "suppliers") | (UserType::Supplier, "buyers") => Scope::OtherParty,
            _ => Scope::Any,
        }
    }
    /// Does this scope refuse the call whatever the roles?
    pub fn refuses(&self) -> bool {
        matches!(self, Scope::SellerOnly | Scope::OtherParty)
    }
    /// The note to show beside the answer, if any.
    pub fn note(&self, t: UserType) -> Option<String> {
        let who = t.as_str();
        match self {
            Scope::Any => None,
            Scope::OwnCompany { company } => Some(format!(
                "Roles are necessary, not always sufficient: as a {who} user this reaches only its own company ({company}); another company's objects answer as not found or forbidden."
            )),
            Scope::SellerOnly => Some(format!(
                "This belongs to the seller organization: {who} users are refused whatever their roles (OutsideCompany)."
            )),
            Scope::OtherParty => Some(format!(
                "A {who} user sees nothing of other companies: this answers empty or not found whatever its roles."
            )),
        }
    }
}

/// Why a user may not sign in through an API client.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInProblem {
    UnknownClient,
    ClientInactive,
    UserInactive,
    CompanyInactive,
    /// Neither the client's Allow… setting nor an assignment admits the user's party; `fix` is
    /// the API client assignment that would (none for admin users: set AllowSeller).
    ClientDoesNotAdmit {
        fix: Option<ApiClientAssignment>,
    },
}

impl SignInProblem {
    pub fn describe(&self, t: UserType) -> String {
        match self {
            SignInProblem::UnknownClient => "No API client with this ID is listed.".into(),
            SignInProblem::ClientInactive => "The API client is not active.".into(),
            SignInProblem::UserInactive => "The user is not active.".into(),
            SignInProblem::CompanyInactive => format!("The user's {} is not active.", t.as_str()),
            SignInProblem::ClientDoesNotAdmit { fix: None } => {
                "The API client does not admit admin users (AllowSeller is off).".into()
            }
            SignInProblem::ClientDoesNotAdmit { fix: Some(a) } => {
                let (what, id) = match (nonempty(&a.buyer_id), nonempty(&a.supplier_id)) {
                    (Some(b), _) => ("buyer", b),
                    (_, Some(s)) => ("supplier", s),
                    _ => ("company", ""),
                };
                format!(
                    "The API client admits neither every {what} (AllowAny{}) nor {what} {id} by an assignment.",
                    if what == "buyer" { "Buyer" } else { "Supplier" }
                )
            }
        }
    }
}

/// The answer to "can this user call this operation through this application?".
#[derive(Debug, Clone, PartialEq)]
pub struct CallCheck {
    pub allowed: bool,
    /// The operation's roles (and FullAccess) the user holds, each with the assignments giving it.
    pub held: Vec<(usize, Vec<usize>)>,
    /// Empty when the user may sign in through the client.
    pub sign_in: Vec<SignInProblem>,
    pub scope: Scope,
    /// When no sufficient role is held: the roles any one of which would do.
    pub missing: Vec<&'static str>,
    /// When no sufficient role is held: assignments that would grant one, best first.
    pub grants: Vec<Grant>,
    /// No profile holds a sufficient role: one has to be made first.
    pub no_profile: bool,
}

/// An assignment to make so that a user holds a role.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// Index into [`Marketplace::profiles`].
    pub profile: usize,
    pub assignment: SecurityProfileAssignment,
    pub level: AccessLevel,
    /// The sufficient roles the profile holds.
    pub roles: RoleSet,
}

/// One way for a rep to act as a buyer user.
#[derive(Debug, Clone, PartialEq)]
pub struct ActAs {
    /// Index into [`Marketplace::impersonation_configs`].
    pub config: usize,
    pub problems: Vec<ActAsProblem>,
}

impl ActAs {
    pub fn works(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActAsProblem {
    RepLacksBuyerImpersonation,
    RepInactive,
    UserInactive,
    BuyerInactive,
    UnknownClient,
    ClientInactive,
    ClientDoesNotAdmit,
    UnknownProfile,
}

impl ActAsProblem {
    pub fn describe(self) -> &'static str {
        match self {
            ActAsProblem::RepLacksBuyerImpersonation => "the impersonating user does not hold BuyerImpersonation",
            ActAsProblem::RepInactive => "the impersonating user (or its company) is not active",
            ActAsProblem::UserInactive => "the buyer user is not active",
            ActAsProblem::BuyerInactive => "the buyer is not active",
            ActAsProblem::UnknownClient => "the config's API client is not listed",
            ActAsProblem::ClientInactive => "the config's API client is not active",
            ActAsProblem::ClientDoesNotAdmit => "the config's API client does not admit this buyer's users",
            ActAsProblem::UnknownProfile => "the config's security profile is not listed",
        }
    }
}

/// An impersonation config resolved against the marketplace's users.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigReach {
    /// Index into [`Marketplace::impersonation_configs`].
    pub config: usize,
    /// How many admin or buyer users its impersonating side names (holding BuyerImpersonation
    /// or not).
    pub impersonators: usize,
    /// How many buyer users it lets be acted as.
    pub targets: usize,
    /// It reaches every user of one buyer.
    pub whole_buyer: bool,
    /// It reaches every user of every buyer.
    pub every_buyer: bool,
    /// Index into [`Marketplace::api_clients`], when listed.
    pub client: Option<usize>,
    /// Index into [`Marketplace::profiles`], when listed.
    pub profile: Option<usize>,
}

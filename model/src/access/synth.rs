//! A synthetic marketplace for tests and benches: the same seed and size give the same
//! marketplace on every machine. Besides the ordinary shapes it carries a few odd ones the rules
//! must survive: assignments naming both a buyer and a supplier, empty IDs, a profile that is not
//! listed, a user-level assignment that also names a group, memberships of groups the group list
//! does not have, user IDs repeated across companies, inactive users, an inactive buyer and an
//! inactive API client.
use super::Marketplace;
use crate::resources::UserType;
use crate::roles::{ALL_ROLES, FULL_ACCESS};
use crate::types::{
    ApiClient, ApiClientAssignment, Company, ImpersonationConfig, SecurityProfile, SecurityProfileAssignment, User,
    UserGroup, UserGroupAssignment,
};

/// How big a synthetic marketplace is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub admins: usize,
    pub admin_groups: usize,
    pub buyers: usize,
    pub buyer_users: usize,
    pub buyer_groups: usize,
    pub suppliers: usize,
    pub supplier_users: usize,
    pub supplier_groups: usize,
    pub profiles: usize,
    pub assignments: usize,
    pub impersonation_configs: usize,
    pub api_clients: usize,
}

impl Size {
    /// A handful of everything: small enough to check by brute force.
    pub const SMALL: Size = Size {
        admins: 5,
        admin_groups: 2,
        buyers: 4,
        buyer_users: 40,
        buyer_groups: 8,
        suppliers: 2,
        supplier_users: 8,
        supplier_groups: 2,
        profiles: 10,
        assignments: 60,
        impersonation_configs: 8,
        api_clients: 4,
    };
    /// The large marketplace: 10,000 buyer users in 100 buyers, 200 groups, 40
    /// profiles, 3,000 assignments, 50 impersonation configs (and some admins and suppliers).
    pub const LARGE: Size = Size {
        admins: 50,
        admin_groups: 5,
        buyers: 100,
        buyer_users: 10_000,
        buyer_groups: 200,
        suppliers: 10,
        supplier_users: 200,
        supplier_groups: 10,
        profiles: 40,
        assignments: 3_000,
        impersonation_configs: 50,
        api_clients: 8,
    };

    /// Users of every kind.
    pub fn users(&self) -> usize {
        self.admins + self.buyer_users + self.supplier_users
    }
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn buyer_id(i: usize) -> String {
    format!("BUYER{i:03}")
}
fn supplier_id(i: usize) -> String {
    format!("SUPPLIER{i:02}")
}
fn user_id(local: usize) -> String {
    format!("U{local:04}")
}

const FIRST: &[&str] = &["Ana", "Ben", "Chloé", "Dev", "Eli", "Fatma", "Goran", "Hiro", "Ines", "Jo", "Kai", "Lena"];
const LAST: &[&str] = &["Ahn", "Baker", "Cruz", "Diallo", "Evans", "Fischer", "García", "Holm", "Ito", "Jones"];

fn user(rng: &mut Rng, id: String, username: String) -> User {
    User {
        id,
        username: username.clone(),
        first_name: FIRST[rng.below(FIRST.len())].into(),
        last_name: LAST[rng.below(LAST.len())].into(),
        email: format!("{username}@example.com"),
        active: !rng.chance(5),
        ..User::default()
    }
}

/// A company's users, groups and memberships: `n` users, the groups given, each user in up to
/// two of them, now and then in a group the list does not return.
fn fill(
    rng: &mut Rng,
    m: &mut Marketplace,
    t: UserType,
    company: &str,
    prefix: &str,
    users: usize,
    groups: Vec<String>,
) {
    let p = m.party_mut(t, company);
    p.groups = groups
        .iter()
        .map(|g| UserGroup { id: g.clone(), name: format!("Group {g}"), ..UserGroup::default() })
        .collect();
    for local in 0..users {
        let id = user_id(local);
        let u = user(rng, id.clone(), format!("{prefix}{local}"));
        p.users.push(u);
        if !groups.is_empty() {
            for _ in 0..rng.below(3) {
                let g = groups[rng.below(groups.len())].clone();
                p.memberships.push(UserGroupAssignment { user_group_id: g, user_id: id.clone() });
            }
        }
        if rng.chance(1) {
            p.memberships.push(UserGroupAssignment { user_group_id: "UNLISTED".into(), user_id: id });
        }
    }
}

/// Groups `0..n` spread over `companies`: the IDs of those falling to company `c`.
fn groups_of(n: usize, companies: usize, c: usize, prefix: &str) -> Vec<String> {
    (0..n).filter(|g| g % companies.max(1) == c).map(|g| format!("{prefix}{g:03}")).collect()
}

/// A marketplace of `size`, the same for the same `seed`.
pub fn marketplace(seed: u64, size: &Size) -> Marketplace {
    let mut rng = Rng(seed ^ 0x6761_7465_686F_7573);
    let mut m = Marketplace::new(&format!("synthetic-{seed}"), &format!("Synthetic {seed}"));

    // profiles: a FullAccess one, an access-management one, the rest small random sets
    let elevated = super::elevated();
    let plain: Vec<&str> = ALL_ROLES.iter().copied().filter(|r| !elevated.contains(r)).collect();
    let high: Vec<&str> = ALL_ROLES.iter().copied().filter(|r| elevated.contains(r) && *r != FULL_ACCESS).collect();
    for i in 0..size.profiles {
        let roles: Vec<String> = match i {
            0 => vec![FULL_ACCESS.into()],
            1 => ["SecurityProfileAdmin", "GrantForAnyRole", "AdminUserAdmin", "BuyerImpersonation", "BuyerUserReader"]
                .map(String::from)
                .to_vec(),
            _ => {
                let mut r: Vec<String> = (0..1 + rng.below(8)).map(|_| plain[rng.below(plain.len())].into()).collect();
                if rng.chance(15) {
                    r.push(high[rng.below(high.len())].into());
                }
                r.sort();
                r.dedup();
                r
            }
        };
        let custom = if rng.chance(20) { vec![format!("custom-{}", rng.below(4))] } else { Vec::new() };
        m.profiles.push(SecurityProfile {
            id: format!("P{i:02}"),
            name: format!("Profile {i}"),
            roles,
            custom_roles: custom,
        });
    }

    // the seller's users and groups
    let admin_groups: Vec<String> = (0..size.admin_groups).map(|g| format!("AG{g}")).collect();
    fill(&mut rng, &mut m, UserType::Admin, "", "admin", size.admins, admin_groups.clone());

    // buyers, suppliers
    for b in 0..size.buyers {
        let company = Company {
            id: buyer_id(b),
            name: format!("Buyer {b}"),
            active: !(size.buyers > 1 && b == size.buyers - 1),
            xp: None,
        };
        m.add_company(UserType::Buyer, company);
        let users = size.buyer_users / size.buyers + usize::from(b < size.buyer_users % size.buyers);
        let groups = groups_of(size.buyer_groups, size.buyers, b, "G");
        fill(&mut rng, &mut m, UserType::Buyer, &buyer_id(b), &format!("b{b}u"), users, groups);
    }
    for s in 0..size.suppliers {
        m.add_company(
            UserType::Supplier,
            Company { id: supplier_id(s), name: format!("Supplier {s}"), active: true, xp: None },
        );
        let users = size.supplier_users / size.suppliers + usize::from(s < size.supplier_users % size.suppliers);
        let groups = groups_of(size.supplier_groups, size.suppliers, s, "SG");
        fill(&mut rng, &mut m, UserType::Supplier, &supplier_id(s), &format!("s{s}u"), users, groups);
    }

    // assignments: mostly buyers, at every level, with a few odd ones
    let some = |s: String| Some(s);
    for _ in 0..size.assignments {
        let profile = match rng.below(100) {
            0 => "MISSING".to_string(),
            // FullAccess is rare
            1..=2 => "P00".to_string(),
            _ => format!("P{:02}", 1 + rng.below(size.profiles.saturating_sub(1).max(1))),
        };
        let mut a = SecurityProfileAssignment { security_profile_id: profile, ..Default::default() };
        let kind = rng.below(100);
        let (t, company) = if kind < 12 {
            (UserType::Admin, String::new())
        } else if kind < 20 && size.suppliers > 0 {
            (UserType::Supplier, supplier_id(rng.below(size.suppliers)))
        } else if size.buyers > 0 {
            (UserType::Buyer, buyer_id(rng.below(size.buyers)))
        } else {
            (UserType::Admin, String::new())
        };
        match t {
            UserType::Buyer => a.buyer_id = some(company.clone()),
            UserType::Supplier => a.supplier_id = some(company.clone()),
            UserType::Admin => {}
        }
        let party = m.party(t, &company).expect("party made above");
        match rng.below(20) {
            // company level, now and then
            0 => {}
            // group level
            1..=9 if !party.groups.is_empty() => {
                a.user_group_id = some(party.groups[rng.below(party.groups.len())].id.clone())
            }
            // user level (now and then naming a group as well)
            _ if !party.users.is_empty() => {
                a.user_id = some(party.users[rng.below(party.users.len())].id.clone());
                if rng.chance(5) && !party.groups.is_empty() {
                    a.user_group_id = some(party.groups[rng.below(party.groups.len())].id.clone());
                }
            }
            _ => {}
        }
        match rng.below(200) {
            0 => a.supplier_id = some(supplier_id(0)),
            1 => a.user_id = some(String::new()),
            2 => a.buyer_id = some(String::new()),
            _ => {}
        }
        m.assignments.push(a);
    }

    // API clients: a shared one, a storefront, the rest admitting a few buyers by assignment
    for c in 0..size.api_clients {
        let client = ApiClient {
            id: format!("CLIENT-{c}"),
            app_name: format!("App {c}"),
            active: !(c > 1 && c == size.api_clients - 1),
            access_token_duration: 60,
            allow_seller: c == 0,
            allow_any_buyer: c < 2,
            allow_any_supplier: c == 0,
            ..ApiClient::default()
        };
        if c >= 2 {
            for _ in 0..1 + rng.below(3) {
                if size.buyers > 0 {
                    m.api_client_assignments.push(ApiClientAssignment {
                        api_client_id: client.id.clone(),
                        buyer_id: some(buyer_id(rng.below(size.buyers))),
                        supplier_id: None,
                    });
                }
            }
        }
        m.api_clients.push(client);
    }

    // impersonation configs: mostly admin groups acting as a buyer's users
    for i in 0..size.impersonation_configs {
        let b = rng.below(size.buyers.max(1));
        let mut c = ImpersonationConfig {
            id: format!("IMP{i:02}"),
            buyer_id: some(buyer_id(b)),
            security_profile_id: format!("P{:02}", rng.below(size.profiles.max(1))),
            client_id: format!("CLIENT-{}", rng.below(size.api_clients.max(1))),
            ..ImpersonationConfig::default()
        };
        match rng.below(10) {
            0..=5 if !admin_groups.is_empty() => {
                c.impersonation_group_id = some(admin_groups[rng.below(admin_groups.len())].clone())
            }
            0..=7 if size.admins > 0 => c.impersonation_user_id = some(user_id(rng.below(size.admins))),
            8 => c.impersonation_buyer_id = some(buyer_id(b)),
            _ => {}
        }
        let party = m.party(UserType::Buyer, &buyer_id(b));
        match (rng.below(10), party) {
            (0..=2, Some(p)) if !p.groups.is_empty() => {
                c.group_id = some(p.groups[rng.below(p.groups.len())].id.clone())
            }
            (3, Some(p)) if !p.users.is_empty() => c.user_id = some(p.users[rng.below(p.users.len())].id.clone()),
            _ => {}
        }
        m.impersonation_configs.push(c);
    }
    m
}

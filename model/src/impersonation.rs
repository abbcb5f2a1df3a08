//! Which impersonation configs let an impersonator act as a buyer user: shared by the sandbox
//! (to grant tokens) and the portal (to offer clients and roles, or say what is missing).
use crate::resources::UserType;
use crate::types::ImpersonationConfig;

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|v| !v.is_empty())
}

/// The longest reason for an act-as session (a ticket number or a few words), in characters.
pub const REASON_MAX: usize = 200;
/// Who ended an act-as session: the rep (End), or the clock (the token expired).
pub const ENDED_BY_REP: &str = "Rep";
pub const ENDED_BY_CLOCK: &str = "Clock";

/// The impersonating party.
pub struct Impersonator<'a> {
    pub user_type: UserType,
    /// Buyer ID for a buyer impersonator; empty for an admin.
    pub company: &'a str,
    pub user_id: &'a str,
    pub groups: &'a [String],
}

/// The buyer user to act as.
pub struct Target<'a> {
    pub buyer_id: &'a str,
    pub user_id: &'a str,
    pub groups: &'a [String],
}

/// Does `cfg` let `who` act as `target` (in any API client)?
pub fn config_matches(cfg: &ImpersonationConfig, who: &Impersonator, target: &Target) -> bool {
    let same_buyer = who.user_type != UserType::Buyer || who.company == target.buyer_id;
    impersonator_matches(cfg, who) && same_buyer && target_matches(cfg, target)
}

/// The impersonating side of `cfg` alone: is `who` among those it lets impersonate? (A buyer
/// impersonator still acts only inside its own buyer: `config_matches` adds that.)
pub fn impersonator_matches(cfg: &ImpersonationConfig, who: &Impersonator) -> bool {
    (match who.user_type {
        UserType::Admin => opt(&cfg.impersonation_buyer_id).is_none(),
        UserType::Buyer => opt(&cfg.impersonation_buyer_id) == Some(who.company),
        UserType::Supplier => false,
    }) && opt(&cfg.impersonation_user_id).is_none_or(|u| u == who.user_id)
        && opt(&cfg.impersonation_group_id).is_none_or(|g| who.groups.iter().any(|x| x == g))
}

/// The impersonated side of `cfg` alone: is `target` among those it lets be acted as?
pub fn target_matches(cfg: &ImpersonationConfig, target: &Target) -> bool {
    opt(&cfg.buyer_id).is_none_or(|b| b == target.buyer_id)
        && opt(&cfg.user_id).is_none_or(|u| u == target.user_id)
        && opt(&cfg.group_id).is_none_or(|g| target.groups.iter().any(|x| x == g))
}

/// Why no config matched, worded for the person who has to create one.
pub fn what_is_missing(who: &Impersonator, who_name: &str, target: &Target) -> String {
    let side = match who.user_type {
        UserType::Admin => format!(
            "ImpersonationUserID {}{} (or leave both empty for every admin with BuyerImpersonation)",
            who.user_id,
            if who.groups.is_empty() {
                String::new()
            } else {
                format!(" or ImpersonationGroupID one of {}", who.groups.join(", "))
            }
        ),
        UserType::Buyer => format!(
            "ImpersonationBuyerID {} and ImpersonationUserID {} (or one of its groups)",
            who.company, who.user_id
        ),
        UserType::Supplier => "nothing: supplier users cannot impersonate".into(),
    };
    format!(
        "No impersonation config lets {who_name} act as user {} of buyer {}. Create one with {side}, BuyerID {} (optionally UserID {}{}), a SecurityProfileID and the ClientID of the application.",
        target.user_id,
        target.buyer_id,
        target.buyer_id,
        target.user_id,
        if target.groups.is_empty() { String::new() } else { format!(" or GroupID one of {}", target.groups.join(", ")) }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    fn cfg(v: serde_json::Value) -> ImpersonationConfig {
        serde_json::from_value(v).unwrap()
    }
    #[test]
    fn admin_and_buyer_impersonators() {
        let groups = vec!["CALL".to_string()];
        let admin = Impersonator { user_type: UserType::Admin, company: "", user_id: "REP", groups: &groups };
        let target = Target { buyer_id: "B", user_id: "U", groups: &[] };
        assert!(config_matches(
            &cfg(serde_json::json!({"ImpersonationGroupID": "CALL", "BuyerID": "B"})),
            &admin,
            &target
        ));
        assert!(!config_matches(
            &cfg(serde_json::json!({"ImpersonationGroupID": "OTHER", "BuyerID": "B"})),
            &admin,
            &target
        ));
        assert!(!config_matches(
            &cfg(serde_json::json!({"ImpersonationBuyerID": "B", "BuyerID": "B"})),
            &admin,
            &target
        ));
        let buyer = Impersonator { user_type: UserType::Buyer, company: "B", user_id: "SUP", groups: &[] };
        assert!(config_matches(
            &cfg(serde_json::json!({"ImpersonationBuyerID": "B", "BuyerID": "B"})),
            &buyer,
            &target
        ));
        let elsewhere = Target { buyer_id: "C", user_id: "U", groups: &[] };
        assert!(!config_matches(
            &cfg(serde_json::json!({"ImpersonationBuyerID": "B", "BuyerID": "C"})),
            &buyer,
            &elsewhere
        ));
        assert!(what_is_missing(&admin, "rep01", &target).contains("ImpersonationGroupID one of CALL"));
    }
}

//! API roles (OrderCloud's `ApiRole` enum) and the areas the portal groups them by.

/// The role that passes every role check. Granting it is discouraged (seed 000).
pub const FULL_ACCESS: &str = "FullAccess";

/// Every API role a security profile may hold, in the order the API lists them.
pub const ALL_ROLES: &[&str] = &[
    "ApiClientAdmin",
    "ApiClientReader",
    "AddressAdmin",
    "AddressReader",
    "AdminAddressAdmin",
    "AdminAddressReader",
    "AdminUserAdmin",
    "AdminUserGroupAdmin",
    "AdminUserGroupReader",
    "AdminUserReader",
    "ApprovalRuleAdmin",
    "ApprovalRuleReader",
    "BuyerAdmin",
    "BuyerImpersonation",
    "BuyerReader",
    "BuyerUserAdmin",
    "BuyerUserReader",
    "CatalogAdmin",
    "CatalogReader",
    "CategoryAdmin",
    "CategoryReader",
    "CostCenterAdmin",
    "CostCenterReader",
    "CreditCardAdmin",
    "CreditCardReader",
    "FullAccess",
    "GrantForAnyRole",
    "IncrementorAdmin",
    "IncrementorReader",
    "LocaleReader",
    "LocaleAdmin",
    "MeAddressAdmin",
    "MeAdmin",
    "MeCreditCardAdmin",
    "MessageConfigAssignmentAdmin",
    "MeXpAdmin",
    "OrderAdmin",
    "OrderReader",
    "OverrideShipping",
    "OverrideTax",
    "OverrideUnitPrice",
    "PasswordReset",
    "PriceScheduleAdmin",
    "PriceScheduleReader",
    "ProductAdmin",
    "ProductAssignmentAdmin",
    "ProductFacetAdmin",
    "ProductFacetReader",
    "ProductReader",
    "PromotionAdmin",
    "PromotionReader",
    "SecurityProfileAdmin",
    "SecurityProfileReader",
    "SetSecurityProfile",
    "ShipmentAdmin",
    "ShipmentReader",
    "Shopper",
    "SpendingAccountAdmin",
    "SpendingAccountReader",
    "SupplierAddressAdmin",
    "SupplierAddressReader",
    "SupplierAdmin",
    "SupplierReader",
    "SupplierUserAdmin",
    "SupplierUserGroupAdmin",
    "SupplierUserGroupReader",
    "SupplierUserReader",
    "UnsubmittedOrderReader",
    "UserGroupAdmin",
    "UserGroupReader",
    "OpenIDConnectReader",
    "OpenIDConnectAdmin",
    "MessageSenderReader",
    "MessageSenderAdmin",
    "XpIndexAdmin",
    "WebhookReader",
    "WebhookAdmin",
    "IntegrationEventReader",
    "IntegrationEventAdmin",
];

/// Areas for a grouped role picker: (area, roles).
pub const ROLE_AREAS: &[(&str, &[&str])] = &[
    (
        "Access management",
        &[
            "ApiClientAdmin",
            "ApiClientReader",
            "SecurityProfileAdmin",
            "SecurityProfileReader",
            "SetSecurityProfile",
            "BuyerImpersonation",
            "OpenIDConnectAdmin",
            "OpenIDConnectReader",
            "PasswordReset",
            "GrantForAnyRole",
            "FullAccess",
        ],
    ),
    (
        "Seller users",
        &[
            "AdminUserAdmin",
            "AdminUserReader",
            "AdminUserGroupAdmin",
            "AdminUserGroupReader",
            "AdminAddressAdmin",
            "AdminAddressReader",
        ],
    ),
    (
        "Buyers",
        &[
            "BuyerAdmin",
            "BuyerReader",
            "BuyerUserAdmin",
            "BuyerUserReader",
            "UserGroupAdmin",
            "UserGroupReader",
            "AddressAdmin",
            "AddressReader",
            "CostCenterAdmin",
            "CostCenterReader",
            "CreditCardAdmin",
            "CreditCardReader",
            "SpendingAccountAdmin",
            "SpendingAccountReader",
            "ApprovalRuleAdmin",
            "ApprovalRuleReader",
        ],
    ),
    (
        "Suppliers",
        &[
            "SupplierAdmin",
            "SupplierReader",
            "SupplierUserAdmin",
            "SupplierUserReader",
            "SupplierUserGroupAdmin",
            "SupplierUserGroupReader",
            "SupplierAddressAdmin",
            "SupplierAddressReader",
        ],
    ),
    (
        "Catalog",
        &[
            "CatalogAdmin",
            "CatalogReader",
            "CategoryAdmin",
            "CategoryReader",
            "ProductAdmin",
            "ProductReader",
            "ProductAssignmentAdmin",
            "ProductFacetAdmin",
            "ProductFacetReader",
            "PriceScheduleAdmin",
            "PriceScheduleReader",
            "PromotionAdmin",
            "PromotionReader",
            "LocaleAdmin",
            "LocaleReader",
        ],
    ),
    (
        "Orders",
        &[
            "OrderAdmin",
            "OrderReader",
            "UnsubmittedOrderReader",
            "ShipmentAdmin",
            "ShipmentReader",
            "OverrideShipping",
            "OverrideTax",
            "OverrideUnitPrice",
        ],
    ),
    ("Me (shopper)", &["Shopper", "MeAdmin", "MeAddressAdmin", "MeCreditCardAdmin", "MeXpAdmin"]),
    (
        "Platform",
        &[
            "IncrementorAdmin",
            "IncrementorReader",
            "MessageConfigAssignmentAdmin",
            "MessageSenderAdmin",
            "MessageSenderReader",
            "WebhookAdmin",
            "WebhookReader",
            "IntegrationEventAdmin",
            "IntegrationEventReader",
            "XpIndexAdmin",
        ],
    ),
];

/// The role that lets its holder create or assign security profiles holding roles it does not
/// hold itself (FullAccess does too).
pub const GRANT_FOR_ANY_ROLE: &str = "GrantForAnyRole";

/// The roles in `granted` that a caller holding `have` may not grant: none when it holds
/// FullAccess or GrantForAnyRole, else every API role it lacks. Custom roles are not API roles
/// and are free to grant.
pub fn ungrantable<'a>(have: &[String], granted: &'a [String]) -> Vec<&'a str> {
    if have.iter().any(|r| r == FULL_ACCESS || r == GRANT_FOR_ANY_ROLE) {
        return Vec::new();
    }
    granted.iter().map(String::as_str).filter(|r| !have.iter().any(|h| h == r)).collect()
}

pub fn is_role(name: &str) -> bool {
    ALL_ROLES.contains(&name)
}

/// True when a token holding `have` may call an endpoint accepting any of `accepted`.
pub fn allows(have: &[String], accepted: &[&str]) -> bool {
    accepted.is_empty() || have.iter().any(|r| r == FULL_ACCESS || accepted.contains(&r.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_role_is_a_role_or_listed() {
        for (_, roles) in ROLE_AREAS {
            for r in *roles {
                assert!(is_role(r), "{r}");
            }
        }
        // every role appears in some area, so the picker can show them all
        for r in ALL_ROLES {
            assert!(ROLE_AREAS.iter().any(|(_, rs)| rs.contains(r)), "{r} not in an area");
        }
    }

    #[test]
    fn full_access_passes_and_others_need_a_listed_role() {
        assert!(allows(&["FullAccess".into()], &["BuyerAdmin"]));
        assert!(allows(&["BuyerReader".into()], &["BuyerAdmin", "BuyerReader"]));
        assert!(!allows(&["BuyerReader".into()], &["BuyerAdmin"]));
        assert!(allows(&[], &[]));
    }

    #[test]
    fn granting_needs_the_roles_or_grant_for_any_role() {
        let have = vec!["BuyerAdmin".to_string(), "SecurityProfileAdmin".to_string()];
        let wanted = vec!["BuyerAdmin".to_string(), "FullAccess".to_string(), "Shopper".to_string()];
        assert_eq!(ungrantable(&have, &wanted), ["FullAccess", "Shopper"]);
        assert!(ungrantable(&["GrantForAnyRole".into()], &wanted).is_empty());
        assert!(ungrantable(&["FullAccess".into()], &wanted).is_empty());
        assert!(is_role(GRANT_FOR_ANY_ROLE));
    }
}

//! The error envelope: `{"Errors":[{"ErrorCode","Message","Data"}]}`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiError {
    pub error_code: String,
    pub message: String,
    #[serde(default)]
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    pub errors: Vec<ApiError>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError { error_code: code.into(), message: message.into(), data: Value::Null }
    }
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// Error codes the sandbox emits (kept stable: clients match on them).
pub mod codes {
    pub const NOT_FOUND: &str = "NotFound";
    pub const VALIDATION: &str = "ValidationFailure";
    pub const ID_EXISTS: &str = "IdExists";
    pub const INVALID_BODY: &str = "Request.InvalidRequestBody";
    pub const INSUFFICIENT_ROLES: &str = "InsufficientRoles";
    pub const INVALID_TOKEN: &str = "InvalidToken";
    pub const INVALID_PAGE_SIZE: &str = "List.InvalidPageSize";
    pub const INVALID_PAGE: &str = "List.InvalidPage";
    pub const INVALID_PROPERTY: &str = "List.InvalidProperty";
    pub const INVALID_SORT: &str = "List.InvalidSortProperty";
    pub const INVALID_SEARCH_ON: &str = "List.InvalidSearchOn";
    pub const USERNAME_UNIQUE: &str = "User.UsernameMustBeUnique";
    pub const INSECURE_PASSWORD: &str = "PasswordReset.InsecurePassword";
    pub const LAST_FULL_ACCESS: &str = "ApiClient.CannotDeleteLastFullAccess";
    pub const USED_BY_IMPERSONATION: &str = "ApiClient.UsedByImpersonationConfig";
    pub const IMPERSONATION_CONFIG: &str = "Impersonation.ConfigError";
    pub const CONFLICTING_CONFIG: &str = "ImpersonationConfig.ConflictingImpersonationConfigExists";
    pub const PAYLOAD_TOO_LARGE: &str = "Request.PayloadTooLarge";
    pub const METHOD_NOT_ALLOWED: &str = "Request.MethodNotAllowed";
    pub const SERVER_ERROR: &str = "ServerError";
    /// A buyer or supplier user reaching outside its own company (sandbox wording).
    pub const OUTSIDE_COMPANY: &str = "OutsideCompany";
    /// An impersonation token changing what only the user may change.
    pub const IMPERSONATION_RESTRICTED: &str = "Impersonation.Restricted";
    /// An anonymous shopper changing a profile it does not have.
    pub const ANONYMOUS_SHOPPER: &str = "Anonymous.NoProfile";
}

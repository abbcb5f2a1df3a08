//! Names for IDs: what pickers and panels show instead of bare IDs, and the groups a user is in.
use super::at::At;
use super::problem::Problem;
use super::transport::{list_all, list_all_as};
use crate::auth::{Caller, Session};
use gatehouse_model::read::{text, User, UserGroupAssignment};
use gatehouse_model::resources::{Kind, UserType};
use leptos::prelude::*;

/// (ID, Name) of every object of a collection (buyers, suppliers): what a company picker offers.
pub async fn id_names(session: Session, path: &str) -> Result<Vec<(String, String)>, Vec<Problem>> {
    Ok(list_all(session, path, 1000).await?.iter().map(|v| (text(v, "ID"), text(v, "Name"))).collect())
}

/// The name of `id` in a list of (ID, name), or the ID when it has none there.
pub fn name_in(list: &[(String, String)], id: &str) -> String {
    list.iter()
        .find(|(i, _)| i == id)
        .map(|(_, n)| n.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| id.to_string())
}

/// Names for the IDs a panel holds (assignments, members): the companies, groups and users it
/// meets, loaded once per collection. Keys are `collection path + "/" + ID`, so a buyer and a
/// user that share an ID stay apart. An ID with no name known is shown as is.
#[derive(Clone, Copy)]
pub struct Names {
    known: RwSignal<std::collections::BTreeMap<String, String>>,
    asked: StoredValue<Vec<String>, LocalStorage>,
}

impl Names {
    pub fn new() -> Names {
        Names { known: RwSignal::new(Default::default()), asked: StoredValue::new_local(Vec::new()) }
    }
    /// Loads the names of a collection (once): people by [`person`], the rest by `Name`.
    pub fn load(&self, session: Session, path: String) {
        if self.asked.with_value(|a| a.contains(&path)) {
            return;
        }
        self.asked.update_value(|a| a.push(path.clone()));
        let known = self.known;
        leptos::task::spawn_local(async move {
            let Ok(list) = list_all(session, &path, 1000).await else { return };
            known.update(|k| {
                for v in &list {
                    let name = if v.get("Username").is_some() { User(v).person() } else { text(v, "Name") };
                    if !name.is_empty() {
                        k.insert(format!("{path}/{}", text(v, "ID")), name);
                    }
                }
            });
        });
    }
    /// The name of `id` in the collection at `path`, or `id` (tracked: fills in when loaded).
    pub fn of(&self, path: &str, id: &str) -> String {
        self.known.with(|k| k.get(&format!("{path}/{id}")).cloned()).unwrap_or_else(|| id.to_string())
    }
}

/// IDs of the groups a user of type `t` in `company` ('' for admin) belongs to.
pub async fn groups_of(
    session: Session,
    caller: Caller,
    t: UserType,
    company: &str,
    user_id: &str,
) -> Result<Vec<String>, Vec<Problem>> {
    let path = format!("{}/assignments", At::of(Kind::group_kind(t), company).collection());
    Ok(list_all_as(session, caller, &path, &[("userID", user_id)], 10_000)
        .await?
        .iter()
        .map(UserGroupAssignment)
        .filter(|a| a.user_id() == user_id)
        .map(|a| a.user_group_id())
        .collect())
}

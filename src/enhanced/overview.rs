//! The first screen of a working marketplace or organization: what it holds, by count, each a
//! link to its screen, and what the signed-in person may do with each (from the roles of their
//! token, by the same tables the screens use). Counts come from each list's `Meta.TotalCount`
//! (`pageSize=1`), the documented lists only, so it works against the real API too; a list the
//! person's roles do not open is not asked for, and says which role would open it.
use crate::auth::Session;
use crate::components::LoadView;
use crate::data::{get_as_me, Load};
use gatehouse_model::resources::Kind;
use gatehouse_model::roles::allows;
use leptos::prelude::*;

/// What the overview counts: the kind, its screen and its name in the plural.
const KINDS: &[(Kind, &str, &str)] = &[
    (Kind::ApiClient, "apiclients", "API clients"),
    (Kind::SecurityProfile, "securityprofiles", "Security profiles"),
    (Kind::AdminUser, "adminusers", "Admin users"),
    (Kind::Buyer, "buyers", "Buyers"),
    (Kind::Supplier, "suppliers", "Suppliers"),
    (Kind::ImpersonationConfig, "impersonationconfigs", "Impersonation configs"),
];

/// What the person may do with one kind of object.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reach {
    Change,
    Read,
    Closed,
}

#[derive(Debug, Clone, PartialEq)]
struct Line {
    kind: Kind,
    screen: &'static str,
    label: &'static str,
    reach: Reach,
    /// `None`: not asked (the person's roles do not open the list).
    count: Option<Result<u64, String>>,
}

fn reach(kind: Kind, roles: &[String]) -> Reach {
    let def = kind.def();
    if allows(roles, def.write_roles) {
        Reach::Change
    } else if allows(roles, def.read_roles) {
        Reach::Read
    } else {
        Reach::Closed
    }
}

async fn count(session: Session, kind: Kind) -> Result<u64, String> {
    let v = get_as_me(session, &format!("{}?pageSize=1", kind.def().path)).await?;
    v["Meta"]["TotalCount"].as_u64().ok_or_else(|| "the answer has no Meta.TotalCount".to_string())
}

async fn read(session: Session) -> Vec<Line> {
    let roles = session.current_untracked().map(|c| c.info().role).unwrap_or_default();
    let lines: Vec<(Kind, &'static str, &'static str, Reach)> =
        KINDS.iter().map(|&(kind, screen, label)| (kind, screen, label, reach(kind, &roles))).collect();
    // the lists this person may read, asked all at once
    let counts = futures::future::join_all(lines.iter().map(|&(kind, _, _, r)| async move {
        if r == Reach::Closed {
            None
        } else {
            Some(count(session, kind).await)
        }
    }))
    .await;
    lines
        .into_iter()
        .zip(counts)
        .map(|((kind, screen, label, reach), count)| Line { kind, screen, label, reach, count })
        .collect()
}

/// "In this marketplace" (or organization): counts with links, and what the person can do.
#[component]
pub fn Overview() -> impl IntoView {
    let session = expect_context::<Session>();
    let where_ = move || {
        session
            .current_untracked()
            .filter(|c| !c.org.is_empty())
            .map(|c| format!("In the organization {}", c.org_name))
            .unwrap_or_else(|| "In this marketplace".to_string())
    };
    let lines =
        Load::new(move || session.current().map(|c| c.id()), move |_, _| async move { Ok(read(session).await) }, true);
    view! {
        <section class="panel overview" id="overview" aria-labelledby="overview-title">
            <h3 id="overview-title">{where_}</h3>
            {lines.view("", move |list| view! {
                <div class="table-scroll" role="region" tabindex="0" aria-label="What this marketplace holds">
                <table class="grid cards" id="overview-table">
                    <thead><tr><th scope="col">"Objects"</th><th scope="col">"How many"</th><th scope="col">"You can"</th></tr></thead>
                    <tbody>{list.into_iter().map(|l| {
                        let def = l.kind.def();
                        let (count, note) = match &l.count {
                            Some(Ok(n)) => (n.to_string(), None),
                            Some(Err(e)) => ("—".to_string(), Some(format!("Could not be counted: {e}"))),
                            None => ("—".to_string(), None),
                        };
                        let can = match l.reach {
                            Reach::Change => "read and change them".to_string(),
                            Reach::Read => format!("read them; changing them needs {}", def.write_roles.join(" or ")),
                            Reach::Closed => format!("nothing yet: reading them needs {}", def.read_roles.join(" or ")),
                        };
                        let state = match l.reach { Reach::Change => "change", Reach::Read => "read", Reach::Closed => "closed" };
                        view! { <tr data-screen=l.screen data-reach=state>
                            <th scope="row"><a href=crate::route::href(&format!("enhanced:{}", l.screen))>{l.label}</a></th>
                            <td class="count" data-label="How many">{count}{note.map(|n| view! { <div class="error small">{n}</div> })}</td>
                            <td data-label="You can">{can}</td>
                        </tr> }
                    }).collect_view()}</tbody>
                </table></div>
            }.into_any())}
        </section>
    }
}

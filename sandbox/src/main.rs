//! `gatehouse-sandbox`: serve the OrderCloud-compatible API, or seed the demo marketplace.
use clap::{Parser, Subcommand};
use gatehouse_sandbox::{seed, App};
use std::path::PathBuf;
use std::process::ExitCode;

const DEFAULT_DB: &str = ".gatehouse/sandbox.db";

#[derive(Parser)]
#[command(name = "gatehouse-sandbox", version, about = "A local OrderCloud-compatible API server (axum + SQLite).")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (OAuth2 at /oauth/token, resources under /v1, document at /v1/openapi/v3).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: String,
        /// SQLite database file (created when missing).
        #[arg(long, default_value = DEFAULT_DB, env = "GATEHOUSE_DB")]
        db: PathBuf,
        /// Seed the demo marketplace before serving (idempotent) and print its logins.
        #[arg(long)]
        seed: bool,
        /// With --seed: add the large synthetic marketplace too (10,000 buyer users; idempotent).
        #[arg(long, requires = "seed")]
        large: bool,
        /// Also serve a built portal (a `dist/` folder) with a config.json pointing at this API.
        #[arg(long)]
        portal_dir: Option<PathBuf>,
        /// Address for the portal (with --portal-dir).
        #[arg(long, default_value = "127.0.0.1:8080")]
        portal_listen: String,
        /// The portal's public address, where invitation links lead (default: the portal served
        /// with --portal-dir, else http://127.0.0.1:8080/).
        #[arg(long)]
        portal_url: Option<String>,
        /// Only this browser origin may call the API (CORS), e.g. http://127.0.0.1:8080;
        /// repeat it for several (the portal served with --portal-dir is added). Default: any origin.
        #[arg(long = "allow-origin", value_name = "ORIGIN", env = "GATEHOUSE_ALLOW_ORIGINS", value_delimiter = ',')]
        allow_origins: Vec<String>,
        /// Every access token lasts this many seconds instead of its API client's
        /// AccessTokenDuration (to watch act-as sessions end by the clock). Default: the client's.
        #[arg(long, value_name = "SECONDS", env = "GATEHOUSE_TOKEN_SECONDS")]
        token_seconds: Option<i64>,
    },
    /// Vendors of the OEM provisioning API: add (the secret is printed once), list, disable.
    Vendor {
        #[command(subcommand)]
        action: VendorAction,
        /// SQLite database file.
        #[arg(long, default_value = DEFAULT_DB, env = "GATEHOUSE_DB", global = true)]
        db: PathBuf,
    },
    /// Print the audit log of vendor calls (who, what, which organization, result, when).
    Audit {
        /// SQLite database file.
        #[arg(long, default_value = DEFAULT_DB, env = "GATEHOUSE_DB")]
        db: PathBuf,
        /// Print one JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the messages the sandbox would have mailed (invitations), oldest first.
    Outbox {
        /// SQLite database file.
        #[arg(long, default_value = DEFAULT_DB, env = "GATEHOUSE_DB")]
        db: PathBuf,
        /// Print one JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create the demo marketplace (idempotent) and print its logins.
    Seed {
        /// SQLite database file (created when missing).
        #[arg(long, default_value = DEFAULT_DB, env = "GATEHOUSE_DB")]
        db: PathBuf,
        /// Print one JSON object for scripts instead of text.
        #[arg(long)]
        json: bool,
        /// Base URL to print with the logins.
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        base_url: String,
        /// Add the large synthetic marketplace too (10,000 buyer users in 100 buyers; idempotent).
        #[arg(long)]
        large: bool,
    },
}

#[derive(Subcommand)]
enum VendorAction {
    /// Register a vendor; prints its client ID and secret (the secret only this once).
    Add {
        /// The vendor's name.
        name: String,
        /// Calls it may make per minute.
        #[arg(long, default_value_t = gatehouse_sandbox::oem::DEFAULT_PER_MINUTE)]
        per_minute: i64,
    },
    /// List the vendors.
    List,
    /// Disable a vendor: its calls are refused (401) from now on.
    Disable {
        /// The vendor's client ID.
        client_id: String,
    },
    /// Enable a disabled vendor again.
    Enable {
        /// The vendor's client ID.
        client_id: String,
    },
}

fn switch_vendor(pool: &gatehouse_sandbox::db::Pool, client_id: &str, active: bool) -> Result<(), String> {
    let found =
        gatehouse_sandbox::oem::set_vendor_active(pool, client_id, active).map_err(|e| format!("{:?}", e.errors))?;
    if !found {
        return Err(format!("no vendor has the client ID {client_id}"));
    }
    println!("Vendor {client_id} {}.", if active { "enabled" } else { "disabled" });
    Ok(())
}

fn print_demo(base_url: &str, d: &seed::Demo) {
    println!("Gatehouse sandbox demo marketplace");
    println!("  API base URL:        {base_url}  (token endpoint {base_url}/oauth/token)");
    println!("  Shared client ID:    {}", d.admin.client_id);
    println!("  Storefront client:   {}", seed::STOREFRONT_CLIENT_ID);
    println!("  Admin:               {} / {}", d.admin.username, d.admin.password);
    println!("  Buyer ({}): {} / {}", seed::BUYER_ID, d.buyer.username, d.buyer.password);
    println!("  Call-center rep:     {} / {}", d.rep.username, d.rep.password);
    let orgs: Vec<String> = d.account.organizations.iter().map(|o| format!("{} ({})", o.name, o.role)).collect();
    println!("  Account:             {} / {}  in {}", d.account.email, d.account.password, orgs.join(", "));
    println!("  Vendor (OEM API):    {} / {}", d.vendor.client_id, d.vendor.client_secret);
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            e.exit()
        }
        Err(e) => {
            // one line: what is wrong, and where to look
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ");
            eprintln!("gatehouse-sandbox: {first} (see gatehouse-sandbox --help)");
            return ExitCode::from(2);
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

fn seed_demo(app: &App, large: bool) -> Result<seed::Demo, String> {
    let fail = |e: gatehouse_sandbox::error::Failure| {
        format!("seeding failed: {}", e.errors.first().map(|e| e.message.as_str()).unwrap_or("unknown error"))
    };
    let demo = seed::run(app).map_err(fail)?;
    if large {
        let n = seed::large(app).map_err(fail)?;
        if n.created {
            // on stderr, so that `seed --json` prints one JSON object
            eprintln!(
                "Large marketplace seeded in {} ms: {} users, {} buyers, {} suppliers, {} groups, {} memberships, {} profiles, {} assignments, {} API clients, {} impersonation configs (password of every synthetic user: {})",
                n.millis, n.users, n.buyers, n.suppliers, n.groups, n.memberships, n.profiles, n.assignments,
                n.api_clients, n.impersonation_configs, seed::LARGE_PASSWORD
            );
        } else {
            eprintln!("Large marketplace already there (nothing written).");
        }
    }
    Ok(demo)
}

/// Runs a command; every failure is one line for stderr.
fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Seed { db, json, base_url, large } => {
            let d = seed_demo(&App::open(&db)?, large)?;
            if json {
                println!("{}", serde_json::to_string(&d).unwrap_or_default());
            } else {
                print_demo(&base_url, &d);
            }
            Ok(())
        }
        Command::Vendor { action, db } => {
            use gatehouse_sandbox::oem;
            let app = App::open(&db)?;
            let pool = &app.hub.pool;
            let fail =
                |e: gatehouse_sandbox::error::Failure| e.errors.first().map(|e| e.message.clone()).unwrap_or_default();
            match action {
                VendorAction::Add { name, per_minute } => {
                    let (v, secret) = oem::add_vendor(pool, &name, per_minute, None).map_err(fail)?;
                    println!("Vendor {} added ({} calls a minute).\n  client ID:     {}\n  client secret: {}   (shown once: keep it now)", v.name, v.per_minute, v.client_id, secret);
                }
                VendorAction::List => {
                    for v in oem::list_vendors(pool).map_err(fail)? {
                        println!(
                            "{}  {}  {}  {}/min  since {}",
                            v["clientId"].as_str().unwrap_or(""),
                            v["name"].as_str().unwrap_or(""),
                            if v["active"] == true { "active" } else { "DISABLED" },
                            v["perMinute"],
                            v["created"].as_str().unwrap_or("")
                        );
                    }
                }
                VendorAction::Disable { client_id } => switch_vendor(pool, &client_id, false)?,
                VendorAction::Enable { client_id } => switch_vendor(pool, &client_id, true)?,
            }
            Ok(())
        }
        Command::Audit { db, json } => {
            let app = App::open(&db)?;
            let log = gatehouse_sandbox::oem::audit(&app.hub.pool, None)
                .map_err(|e| format!("cannot read the audit log: {:?}", e.errors))?;
            if json {
                println!("{}", serde_json::Value::Array(log));
            } else {
                for e in log {
                    let s = |k: &str| e[k].as_str().unwrap_or("-").to_string();
                    println!(
                        "{}  {}  {}  org {}  {}  {} {}",
                        s("Date"),
                        s("Vendor"),
                        s("Action"),
                        s("OrganizationID"),
                        s("Subject"),
                        e["Status"],
                        s("Message")
                    );
                }
            }
            Ok(())
        }
        Command::Outbox { db, json } => {
            let app = App::open(&db)?;
            let messages = gatehouse_sandbox::hub::outbox(&app.hub.pool)
                .map_err(|e| format!("cannot read the outbox: {:?}", e.errors))?;
            if json {
                println!("{}", serde_json::Value::Array(messages));
            } else if messages.is_empty() {
                println!("The outbox is empty.");
            } else {
                for m in messages {
                    let s = |k: &str| m[k].as_str().unwrap_or("").to_string();
                    println!("--- {} to {}\nSubject: {}\n\n{}", s("Date"), s("To"), s("Subject"), s("Body"));
                }
            }
            Ok(())
        }
        Command::Serve {
            listen,
            db,
            seed: do_seed,
            large,
            portal_dir,
            portal_listen,
            portal_url,
            mut allow_origins,
            token_seconds,
        } => {
            let app = App::open(&db)?;
            if let Some(s) = token_seconds {
                if s < 1 {
                    return Err("--token-seconds must be 1 or more".into());
                }
                app.hub.set_token_seconds(s);
            }
            // a wrong origin is said before anything listens
            app.hub.set_allowed_origins(&allow_origins)?;
            if let Some(url) = &portal_url {
                app.hub.set_portal_url(url);
            }
            let demo = if do_seed { Some(seed_demo(&app, large)?) } else { None };
            if let Some(dir) = &portal_dir {
                if !dir.join("index.html").exists() {
                    return Err(format!("{} has no index.html (build the portal first)", dir.display()));
                }
            }
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the runtime: {e}"))?;
            rt.block_on(async move {
                let bind = |addr: String| async move {
                    tokio::net::TcpListener::bind(&addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))
                };
                let listener = bind(listen.clone()).await?;
                let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or(listen);
                let api = format!("http://{addr}");
                println!("gatehouse-sandbox listening on {api} (database {})", db.display());
                if let Some(dir) = portal_dir {
                    let portal = bind(portal_listen.clone()).await?;
                    let paddr = portal.local_addr().map(|a| a.to_string()).unwrap_or(portal_listen);
                    if portal_url.is_none() {
                        app.hub.set_portal_url(&format!("http://{paddr}/"));
                    }
                    // the portal served here may always call its API
                    if !allow_origins.is_empty() {
                        allow_origins.push(format!("http://{paddr}"));
                    }
                    let config = gatehouse_sandbox::portal_config(
                        &dir,
                        serde_json::json!({"api_base": api, "client_id": seed::SHARED_CLIENT_ID, "storefront_url": ""}),
                    );
                    let router = gatehouse_sandbox::portal_router(dir, config);
                    tokio::spawn(async move {
                        let _ = axum::serve(portal, router).await;
                    });
                    println!();
                    println!("  Portal:              http://{paddr}/   <- open this");
                }
                if let Some(d) = &demo {
                    print_demo(&api, d);
                }
                app.hub.set_allowed_origins(&allow_origins)?;
                if !allow_origins.is_empty() {
                    println!("  Browser origins allowed: {}", app.hub.allowed_origins().join(", "));
                }
                gatehouse_sandbox::serve(app, listener).await.map_err(|e| e.to_string())
            })
        }
    }
}

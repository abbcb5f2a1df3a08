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
        /// Seed the demo marketplace before serving (idempotent).
        #[arg(long)]
        seed: bool,
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
    },
}

fn print_demo(base_url: &str, d: &seed::Demo) {
    println!("Gatehouse sandbox demo marketplace");
    println!("  API base URL:        {base_url}  (token endpoint {base_url}/oauth/token)");
    println!("  Shared client ID:    {}", d.admin.client_id);
    println!("  Storefront client:   {}", seed::STOREFRONT_CLIENT_ID);
    println!("  Admin:               {} / {}", d.admin.username, d.admin.password);
    println!("  Buyer ({}): {} / {}", seed::BUYER_ID, d.buyer.username, d.buyer.password);
    println!("  Call-center rep:     {} / {}", d.rep.username, d.rep.password);
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Seed { db, json, base_url } => {
            let app = match App::open(&db) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("gatehouse-sandbox: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match seed::run(&app) {
                Ok(d) if json => println!("{}", serde_json::to_string(&d).unwrap_or_default()),
                Ok(d) => print_demo(&base_url, &d),
                Err(e) => {
                    eprintln!("gatehouse-sandbox: seeding failed: {:?}", e.errors.first().map(|e| &e.message));
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Serve { listen, db, seed: do_seed } => {
            let app = match App::open(&db) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("gatehouse-sandbox: {e}");
                    return ExitCode::FAILURE;
                }
            };
            if do_seed {
                if let Err(e) = seed::run(&app) {
                    eprintln!("gatehouse-sandbox: seeding failed: {:?}", e.errors.first().map(|e| &e.message));
                    return ExitCode::FAILURE;
                }
            }
            let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("gatehouse-sandbox: cannot start the runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            rt.block_on(async move {
                let listener = match tokio::net::TcpListener::bind(&listen).await {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("gatehouse-sandbox: cannot listen on {listen}: {e}");
                        return ExitCode::FAILURE;
                    }
                };
                let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or(listen);
                println!("gatehouse-sandbox listening on http://{addr} (database {})", db.display());
                match gatehouse_sandbox::serve(app, listener).await {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("gatehouse-sandbox: {e}");
                        ExitCode::FAILURE
                    }
                }
            })
        }
    }
}

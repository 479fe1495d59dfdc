//! `glidepath api-keys create|list|revoke`: API keys for the operator. The secret is printed
//! once, on create, and is stored only as its SHA-256. Creation and revocation are audited
//! (actor `operator`).

use std::process::ExitCode;

use clap::Subcommand;

use crate::config::Settings;
use crate::storage::audit::{self, AuditEntry};
use crate::storage::{Database, api_keys};

#[derive(Debug, Subcommand)]
pub enum ApiKeysCommand {
    /// Create a key and print it (once).
    Create {
        /// What the key is for, e.g. the client's name.
        #[arg(long)]
        name: String,
        /// Its rate-limit tier: one of `rate_limit.tiers`.
        #[arg(long)]
        tier: String,
    },
    /// List every key (ids, names, tiers; never secrets).
    List,
    /// Revoke a key by id; its simulations stay private.
    Revoke {
        /// The key's id (`key_…`).
        id: String,
    },
}

pub fn run(settings: &Settings, command: ApiKeysCommand) -> ExitCode {
    if let ApiKeysCommand::Create { tier, .. } = &command
        && !settings.rate_limit.tiers.contains_key(tier)
    {
        let tiers: Vec<&str> = settings
            .rate_limit
            .tiers
            .keys()
            .map(String::as_str)
            .collect();
        eprintln!(
            "glidepath api-keys: unknown tier `{tier}`; use one of {}",
            tiers.join(", ")
        );
        return ExitCode::from(2);
    }
    let outcome = super::runtime()
        .map_err(anyhow::Error::from)
        .and_then(|rt| {
            rt.block_on(async {
                let db = Database::connect_lazy(&settings.database, &settings.breaker)?;
                db.migrate().await?;
                let code = execute(&db, command).await;
                db.close().await;
                code
            })
        });
    outcome.unwrap_or_else(|err| {
        eprintln!("glidepath api-keys: {err:#}");
        ExitCode::FAILURE
    })
}

async fn execute(db: &Database, command: ApiKeysCommand) -> anyhow::Result<ExitCode> {
    let audit = |action: &str, target: &str, outcome: &str| AuditEntry {
        request_id: None,
        actor: "operator".into(),
        action: action.into(),
        target: Some(target.into()),
        outcome: outcome.into(),
        client_ip_hash: None,
    };
    match command {
        ApiKeysCommand::Create { name, tier } => {
            let (key, secret) = api_keys::create(db, &name, &tier).await?;
            audit::record(db, &audit("api_key.create", &key.id, "success")).await?;
            println!("{secret}");
            eprintln!(
                "created {} ({name}, tier {tier}); the key above is shown only now",
                key.id
            );
        }
        ApiKeysCommand::List => {
            for key in api_keys::list(db).await? {
                let state = key
                    .revoked_at
                    .as_deref()
                    .map_or("active".to_string(), |at| format!("revoked {at}"));
                println!(
                    "{}\t{}\t{}\t{}\t{state}",
                    key.id, key.tier, key.created_at, key.name
                );
            }
        }
        ApiKeysCommand::Revoke { id } => {
            let revoked = api_keys::revoke(db, &id).await?;
            let outcome = if revoked { "success" } else { "failed" };
            audit::record(db, &audit("api_key.revoke", &id, outcome)).await?;
            if !revoked {
                eprintln!("glidepath api-keys: no active key {id}");
                return Ok(ExitCode::from(2));
            }
            eprintln!("revoked {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! API keys: random 256-bit secrets, shown once, stored only as SHA-256.
//!
//! A key reads `gpk_` and 64 hex digits. Its row keeps an id (`key_` and 16 hex digits,
//! safe to log and to show), a name, a rate-limit tier, and the creation and revocation
//! times. A revoked key stays in the table, so its simulations keep their owner.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Database, StorageError, timestamp_now};

pub const KEY_PREFIX: &str = "gpk_";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub tier: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// The SHA-256 of a presented key, as stored.
pub fn hash_key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `token` has the form of one of our keys (checked before any lookup).
pub fn looks_like_key(token: &str) -> bool {
    token.len() == KEY_PREFIX.len() + 64
        && token.starts_with(KEY_PREFIX)
        && token[KEY_PREFIX.len()..]
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn random_hex(bytes: usize) -> String {
    // `rand`'s thread generator: ChaCha12 seeded and reseeded from the OS.
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    hex::encode(buf)
}

/// Creates a key; returns its row and the secret, which is never stored.
pub async fn create(
    db: &Database,
    name: &str,
    tier: &str,
) -> Result<(ApiKey, String), StorageError> {
    let secret = format!("{KEY_PREFIX}{}", random_hex(32));
    let key = ApiKey {
        id: format!("key_{}", random_hex(8)),
        name: name.to_string(),
        tier: tier.to_string(),
        created_at: timestamp_now(),
        revoked_at: None,
    };
    db.run(
        sqlx::query(
            "INSERT INTO api_keys (id, name, key_hash, tier, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.id)
        .bind(&key.name)
        .bind(hash_key(&secret))
        .bind(&key.tier)
        .bind(&key.created_at)
        .execute(db.pool()),
    )
    .await?;
    Ok((key, secret))
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<ApiKey, sqlx::Error> {
    Ok(ApiKey {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        tier: row.try_get("tier")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

/// Every key, newest first.
pub async fn list(db: &Database) -> Result<Vec<ApiKey>, StorageError> {
    let rows = db
        .run(
            sqlx::query(
                "SELECT id, name, tier, created_at, revoked_at FROM api_keys \
                 ORDER BY created_at DESC, id DESC",
            )
            .fetch_all(db.pool()),
        )
        .await?;
    rows.iter()
        .map(from_row)
        .collect::<Result<_, _>>()
        .map_err(StorageError::from)
}

/// Revokes the key; `false` when there is no such active key.
pub async fn revoke(db: &Database, id: &str) -> Result<bool, StorageError> {
    let done = db
        .run(
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(timestamp_now())
                .bind(id)
                .execute(db.pool()),
        )
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The active key whose secret is `secret`, if any.
pub async fn find_active(db: &Database, secret: &str) -> Result<Option<ApiKey>, StorageError> {
    let row = db
        .run(
            sqlx::query(
                "SELECT id, name, tier, created_at, revoked_at FROM api_keys \
                 WHERE key_hash = $1 AND revoked_at IS NULL",
            )
            .bind(hash_key(secret))
            .fetch_optional(db.pool()),
        )
        .await?;
    row.as_ref()
        .map(from_row)
        .transpose()
        .map_err(StorageError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shape() {
        let key = format!("{KEY_PREFIX}{}", random_hex(32));
        assert!(looks_like_key(&key));
        assert!(!looks_like_key("gpk_short"));
        assert!(!looks_like_key(&key.to_uppercase()));
        assert!(!looks_like_key(&format!("{key}0")));
        assert_eq!(hash_key("abc").len(), 64);
    }
}

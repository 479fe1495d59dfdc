//! Stored comparisons: the document and its audit entry, written in one transaction, so a
//! returned id always resolves and never lacks its audit trail.

use sqlx::Row;

use super::audit::{self, AuditEntry};
use super::{Database, StorageError};

#[derive(Debug, Clone)]
pub struct NewComparison {
    pub id: String,
    pub created_at: String,
    pub api_key_id: Option<String>,
    pub request_id: Option<String>,
    pub engine_version: String,
    /// The comparison document, JSON text.
    pub document: String,
    pub audit: AuditEntry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparisonRow {
    pub id: String,
    pub created_at: String,
    pub api_key_id: Option<String>,
    pub document: String,
}

pub async fn insert(db: &Database, comparison: &NewComparison) -> Result<(), StorageError> {
    let audit_id = audit::new_entry_id();
    db.run(async {
        let mut tx = db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO comparisons \
             (id, created_at, api_key_id, request_id, engine_version, document) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(comparison.id.as_str())
        .bind(comparison.created_at.as_str())
        .bind(comparison.api_key_id.as_deref())
        .bind(comparison.request_id.as_deref())
        .bind(comparison.engine_version.as_str())
        .bind(comparison.document.as_str())
        .execute(&mut *tx)
        .await?;
        audit::bind(
            sqlx::query(
                "INSERT INTO audit_log \
                 (id, occurred_at, request_id, actor, action, target, outcome, client_ip_hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            ),
            &audit_id,
            &comparison.created_at,
            &comparison.audit,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })
    .await
}

pub async fn find(db: &Database, id: &str) -> Result<Option<ComparisonRow>, StorageError> {
    let row = db
        .run(
            sqlx::query(
                "SELECT id, created_at, api_key_id, document FROM comparisons WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(db.pool()),
        )
        .await?;
    row.map(|row| {
        Ok(ComparisonRow {
            id: row.try_get("id")?,
            created_at: row.try_get("created_at")?,
            api_key_id: row.try_get("api_key_id")?,
            document: row.try_get("document")?,
        })
    })
    .transpose()
    .map_err(|err: sqlx::Error| StorageError::from(err))
}

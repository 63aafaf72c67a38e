//! The host's PostgreSQL schema and its migrations: what a regional host
//! keeps for every organization it serves, each row under its
//! organization's id. The tables and columns mirror the embedded SQLite
//! file's (`server::db`), so one organization's data moves between them
//! column for column (`tournee admin migrate`); what only a host has is
//! the organizations themselves and their keys, which a data directory
//! keeps as files beside its database.
//!
//! Migrations run in order, in one transaction, under an advisory
//! lock so that two servers starting at once on one database do not both
//! run them; a database migrated by a newer release is refused, never
//! written.

use crate::server::error::ServerError;
use tokio_postgres::Client;

/// Any 64-bit number held while migrating; this one spells "tournee".
const MIGRATION_LOCK: i64 = 0x0074_6f75_726e_6565;

/// The schema version this program writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

const MIGRATIONS: &[&str] = &[
    // 1: organizations, their keys and everything the SQLite file holds.
    "CREATE TABLE organizations (
        org_id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        created_at bigint NOT NULL,
        signing_pkcs8 bytea NOT NULL,
        pseudonym_key bytea NOT NULL CHECK (length(pseudonym_key) = 32),
        catalog text NOT NULL
    );
    CREATE TABLE sealing_keys (
        org_id uuid NOT NULL REFERENCES organizations,
        kid bytea NOT NULL CHECK (length(kid) = 8),
        secret bytea NOT NULL CHECK (length(secret) = 32),
        created_at bigint NOT NULL,
        current boolean NOT NULL,
        PRIMARY KEY (org_id, kid)
    );
    CREATE UNIQUE INDEX sealing_keys_one_current ON sealing_keys (org_id) WHERE current;
    CREATE TABLE org_settings (
        org_id uuid NOT NULL REFERENCES organizations,
        name text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (org_id, name)
    );
    CREATE TABLE devices (
        org_id uuid NOT NULL REFERENCES organizations,
        device_id uuid NOT NULL,
        public_key bytea NOT NULL,
        label text NOT NULL,
        app_version text NOT NULL,
        enrolled_at bigint NOT NULL,
        revoked_at bigint,
        last_seen_at bigint,
        PRIMARY KEY (org_id, device_id)
    );
    CREATE TABLE enroll_codes (
        secret_sha256 bytea PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations,
        label text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        used_at bigint,
        device_id uuid,
        FOREIGN KEY (org_id, device_id) REFERENCES devices
    );
    CREATE INDEX enroll_codes_by_org ON enroll_codes (org_id, expires_at);
    CREATE TABLE envelopes (
        org_id uuid NOT NULL,
        device_id uuid NOT NULL,
        seq bigint NOT NULL,
        batch_id uuid NOT NULL,
        sha256 bytea NOT NULL,
        bytes bytea,
        received_at bigint NOT NULL,
        applied_at bigint,
        quarantined_at bigint,
        quarantine_reason text,
        header bytea,
        signature bytea,
        receipt bytea,
        purged_at bigint,
        PRIMARY KEY (org_id, device_id, seq),
        FOREIGN KEY (org_id, device_id) REFERENCES devices
    );
    CREATE INDEX envelopes_pending ON envelopes (org_id, received_at)
        WHERE applied_at IS NULL AND quarantined_at IS NULL AND bytes IS NOT NULL;
    CREATE TABLE alerts (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations,
        kind text NOT NULL,
        device_id uuid NOT NULL,
        seq bigint NOT NULL,
        stored_sha256 bytea NOT NULL,
        offered_sha256 bytea NOT NULL,
        offered_batch_id uuid NOT NULL,
        created_at bigint NOT NULL,
        repeats bigint NOT NULL DEFAULT 1,
        last_at bigint NOT NULL DEFAULT 0,
        UNIQUE (org_id, kind, device_id, seq)
    );
    CREATE TABLE contacts (
        org_id uuid NOT NULL REFERENCES organizations,
        record_id uuid NOT NULL,
        device_id uuid NOT NULL,
        month text NOT NULL,
        facts text NOT NULL,
        voided integer NOT NULL DEFAULT 0,
        occurred_at bigint NOT NULL DEFAULT 0,
        void_reason text,
        PRIMARY KEY (org_id, record_id)
    );
    CREATE INDEX contacts_by_device_time ON contacts (org_id, device_id, occurred_at);
    CREATE INDEX contacts_by_time ON contacts (org_id, occurred_at);
    CREATE INDEX contacts_by_month ON contacts (org_id, month);
    CREATE TABLE voids (
        org_id uuid NOT NULL REFERENCES organizations,
        record_id uuid NOT NULL,
        target uuid NOT NULL,
        device_id uuid NOT NULL,
        PRIMARY KEY (org_id, record_id)
    );
    CREATE INDEX voids_by_target ON voids (org_id, target);
    CREATE INDEX voids_by_device ON voids (org_id, device_id);
    CREATE TABLE events (
        org_id uuid NOT NULL REFERENCES organizations,
        record_id uuid NOT NULL,
        device_id uuid NOT NULL,
        kind text NOT NULL,
        month text NOT NULL,
        day text,
        occurred_at bigint NOT NULL,
        ended_at bigint,
        facts text NOT NULL,
        voided integer NOT NULL DEFAULT 0,
        PRIMARY KEY (org_id, record_id)
    );
    CREATE INDEX events_by_time ON events (org_id, kind, occurred_at);
    CREATE INDEX events_by_month ON events (org_id, month);
    CREATE INDEX events_by_day ON events (org_id, kind, day);
    CREATE INDEX events_by_device ON events (org_id, device_id);
    CREATE TABLE incident_followups (
        org_id uuid NOT NULL REFERENCES organizations,
        record_id uuid NOT NULL,
        action text NOT NULL,
        supervisor text NOT NULL,
        at bigint NOT NULL,
        PRIMARY KEY (org_id, record_id)
    );
    CREATE TABLE rollups (
        org_id uuid NOT NULL REFERENCES organizations,
        month text NOT NULL,
        dim text NOT NULL,
        key text NOT NULL,
        contacts bigint NOT NULL DEFAULT 0,
        people bigint NOT NULL DEFAULT 0,
        quantity bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (org_id, month, dim, key)
    );
    CREATE TABLE day_rollups (
        org_id uuid NOT NULL REFERENCES organizations,
        day text NOT NULL,
        dim text NOT NULL,
        key text NOT NULL,
        contacts bigint NOT NULL DEFAULT 0,
        people bigint NOT NULL DEFAULT 0,
        quantity bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (org_id, day, dim, key)
    );
    CREATE TABLE person_days (
        org_id uuid NOT NULL REFERENCES organizations,
        pseudonym bytea NOT NULL,
        day text NOT NULL,
        contacts bigint NOT NULL,
        PRIMARY KEY (org_id, pseudonym, day)
    );
    CREATE INDEX person_days_by_day ON person_days (org_id, day, pseudonym);
    CREATE TABLE person_months (
        org_id uuid NOT NULL REFERENCES organizations,
        pseudonym bytea NOT NULL,
        month text NOT NULL,
        contacts bigint NOT NULL,
        PRIMARY KEY (org_id, pseudonym, month)
    );
    CREATE INDEX person_months_by_month ON person_months (org_id, month, pseudonym);
    CREATE TABLE person_quarters (
        org_id uuid NOT NULL REFERENCES organizations,
        pseudonym bytea NOT NULL,
        quarter text NOT NULL,
        contacts bigint NOT NULL,
        PRIMARY KEY (org_id, pseudonym, quarter)
    );
    CREATE INDEX person_quarters_by_quarter ON person_quarters (org_id, quarter, pseudonym);
    CREATE TABLE person_years (
        org_id uuid NOT NULL REFERENCES organizations,
        pseudonym bytea NOT NULL,
        fiscal_year text NOT NULL,
        contacts bigint NOT NULL,
        PRIMARY KEY (org_id, pseudonym, fiscal_year)
    );
    CREATE INDEX person_years_by_year ON person_years (org_id, fiscal_year, pseudonym);
    CREATE TABLE pseudonyms_before_purge (
        org_id uuid NOT NULL REFERENCES organizations,
        pseudonym bytea NOT NULL,
        PRIMARY KEY (org_id, pseudonym)
    );
    CREATE TABLE supervisors (
        org_id uuid NOT NULL REFERENCES organizations,
        name_key text NOT NULL,
        name text NOT NULL,
        salt bytea NOT NULL,
        iterations bigint NOT NULL,
        hash bytea NOT NULL,
        created_at bigint NOT NULL,
        disabled_at bigint,
        PRIMARY KEY (org_id, name_key)
    );
    CREATE TABLE sessions (
        token_sha256 bytea PRIMARY KEY,
        org_id uuid NOT NULL,
        name_key text NOT NULL,
        csrf text NOT NULL,
        created_at bigint NOT NULL,
        seen_at bigint NOT NULL,
        FOREIGN KEY (org_id, name_key) REFERENCES supervisors
    );
    CREATE TABLE audit (
        id bigserial PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations,
        at bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        detail text NOT NULL
    );
    CREATE INDEX audit_by_time ON audit (org_id, at);",
    // 2: the host names each organization is served at.
    "CREATE TABLE org_names (
        name text PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations
    );
    CREATE INDEX org_names_by_org ON org_names (org_id);",
    // 3: regional accounts, which see only the sums of their member
    // organizations' suppressed figures (`postgres::regional`), and their
    // sessions, apart from every organization's.
    "CREATE TABLE regional_accounts (
        name_key text PRIMARY KEY,
        name text NOT NULL,
        salt bytea NOT NULL,
        iterations bigint NOT NULL,
        hash bytea NOT NULL,
        created_at bigint NOT NULL,
        disabled_at bigint
    );
    CREATE TABLE regional_members (
        name_key text NOT NULL REFERENCES regional_accounts,
        org_id uuid NOT NULL REFERENCES organizations,
        PRIMARY KEY (name_key, org_id)
    );
    CREATE TABLE regional_sessions (
        token_sha256 bytea PRIMARY KEY,
        name_key text NOT NULL REFERENCES regional_accounts,
        csrf text NOT NULL,
        created_at bigint NOT NULL,
        seen_at bigint NOT NULL
    );",
    // 4: the tables apply writes at every batch keep no foreign key to
    // `organizations`: each checked row cost a lookup (about 7 µs, a third
    // of a contact's insert), and only apply writes them, for the
    // organization of an envelope row that still has its key; organizations
    // are never deleted.
    "ALTER TABLE contacts DROP CONSTRAINT contacts_org_id_fkey;
    ALTER TABLE voids DROP CONSTRAINT voids_org_id_fkey;
    ALTER TABLE events DROP CONSTRAINT events_org_id_fkey;
    ALTER TABLE rollups DROP CONSTRAINT rollups_org_id_fkey;
    ALTER TABLE day_rollups DROP CONSTRAINT day_rollups_org_id_fkey;
    ALTER TABLE person_days DROP CONSTRAINT person_days_org_id_fkey;
    ALTER TABLE person_months DROP CONSTRAINT person_months_org_id_fkey;
    ALTER TABLE person_quarters DROP CONSTRAINT person_quarters_org_id_fkey;
    ALTER TABLE person_years DROP CONSTRAINT person_years_org_id_fkey;",
    // 5: the organizations' secret keys are wrapped with the host's key,
    // a file outside the database (`postgres::host_key`); rows written
    // before hold them bare until the next connect wraps them
    // (`keys_wrapped`). The check tells a host started with another key.
    "ALTER TABLE organizations DROP CONSTRAINT organizations_pseudonym_key_check;
    ALTER TABLE sealing_keys DROP CONSTRAINT sealing_keys_secret_check;
    ALTER TABLE organizations ADD COLUMN keys_wrapped boolean NOT NULL DEFAULT false;
    CREATE TABLE host_key_check (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        sealed bytea NOT NULL
    );",
];

/// Brings the database to [`VERSION`], every step in one transaction: a
/// failed step leaves the schema as it was.
pub async fn migrate(client: &mut Client) -> Result<i64, ServerError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version bigint PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .await?;
    let found: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .get(0);
    if found > VERSION {
        return Err(ServerError::Newer {
            found,
            supported: VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(VERSION)
}

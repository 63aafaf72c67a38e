//! The web build's storage: the store's file in the Origin Private File
//! System, through SQLite's `opfs-sahpool` VFS (sqlite-wasm-vfs), which
//! keeps a pool of sync access handles. Only a dedicated worker has them.
//!
//! The pool is installed once per worker, before any store is opened
//! ([`install_opfs`]); the store then opens its file by name in this VFS,
//! never in the default in-memory one, so forgetting to install is an
//! error and not a store that vanishes on reload.

use super::error::StoreError;
use sqlite_wasm_rs::vfs::VfsFilesManager;
use sqlite_wasm_vfs::sahpool::{self, OpfsSAHError, OpfsSAHPoolCfgBuilder, OpfsSAHPoolUtil};
use std::cell::OnceCell;

/// The VFS's name, as the store's connection asks for it.
pub(super) const VFS: &str = "tournee-opfs";
/// The pool's directory at the top of the origin's private file system.
const DIRECTORY: &str = ".tournee";

thread_local! {
    // The worker's one pool; wasm32 has one thread, the worker's.
    static POOL: OnceCell<OpfsSAHPoolUtil> = const { OnceCell::new() };
}

/// Installs the OPFS pool for this worker; opening or erasing a store
/// needs it first. Installing again is harmless. Fails outside a
/// dedicated worker, in a context that is not secure, or where the
/// browser has no OPFS (Safari's private mode).
pub async fn install_opfs() -> Result<(), StoreError> {
    if POOL.with(|pool| pool.get().is_some()) {
        return Ok(());
    }
    let config = OpfsSAHPoolCfgBuilder::new()
        .vfs_name(VFS)
        .directory(DIRECTORY)
        .build();
    // Not the default VFS: the store names it when it opens.
    let util = sahpool::install::<sqlite_wasm_rs::WasmOsCallback>(&config, false)
        .await
        .map_err(storage)?;
    POOL.with(|pool| {
        let _ = pool.set(util);
    });
    Ok(())
}

/// Fails with a clear error when [`install_opfs`] has not run.
pub(super) fn installed() -> Result<(), StoreError> {
    with_pool(|_| Ok(()))
}

/// Whether the pool holds a file of this name.
pub(super) fn contains(name: &str) -> Result<bool, StoreError> {
    with_pool(|pool| pool.contains(name))
}

/// Removes a file of the pool; its absence is fine. An open file is
/// refused (close the store first).
pub(super) fn remove(name: &str) -> Result<(), StoreError> {
    with_pool(|pool| pool.remove(name)).map(|_| ())
}

fn with_pool<T>(
    then: impl FnOnce(&OpfsSAHPoolUtil) -> Result<T, OpfsSAHError>,
) -> Result<T, StoreError> {
    POOL.with(|pool| match pool.get() {
        Some(pool) => then(pool).map_err(storage),
        None => Err(storage("the OPFS storage is not installed in this worker")),
    })
}

/// The prefs' file in the pool: a one-row SQLite database, since the
/// pool holds only SQLite files (no contact data: see `prefs`).
const PREFS: &str = "tournee-prefs.db";

fn prefs_connection() -> std::io::Result<rusqlite::Connection> {
    installed().map_err(std::io::Error::other)?;
    let connection = rusqlite::Connection::open_with_flags_and_vfs(
        PREFS,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_CREATE,
        VFS,
    )
    .map_err(std::io::Error::other)?;
    connection
        .execute_batch("CREATE TABLE IF NOT EXISTS prefs (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)")
        .map_err(std::io::Error::other)?;
    Ok(connection)
}

/// The prefs' JSON text, as `prefs.json` holds it natively.
pub(super) fn read_prefs() -> std::io::Result<String> {
    prefs_connection()?
        .query_row("SELECT json FROM prefs WHERE id = 1", [], |row| row.get(0))
        .map_err(std::io::Error::other)
}

pub(super) fn write_prefs(json: &str) -> std::io::Result<()> {
    prefs_connection()?
        .execute(
            "INSERT INTO prefs (id, json) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            [json],
        )
        .map(drop)
        .map_err(std::io::Error::other)
}

/// The pool's failures are the device's storage failing, as an I/O error
/// would be natively.
fn storage(error: impl std::fmt::Display) -> StoreError {
    StoreError::Io(std::io::Error::other(error.to_string()))
}

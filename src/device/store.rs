//! The encrypted local store: one SQLite file under the device's home
//! (natively a directory, in a browser a name in the OPFS pool: [`Location`]).
//!
//! Columns hold only what SQLite must compare (record ids, blind day tags,
//! states); every contact field lives inside a sealed blob. Every change is
//! one transaction, so a crash or a full disk leaves the store as it was.

use super::counts::{self, DayCounts, day_tag};
use super::error::StoreError;
use super::pin::Pin;
use super::schema;
use super::vault::{DataKey, TagStream, WrappedKey};
use crate::domain::{Catalog, Contact, Overdose, Record, RecordId, Void};
use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "tournee.db";
const FILE_LABEL: &[u8] = b"import-file";
const CATALOG: &str = "catalog";
/// Sealed plaintext is padded to a multiple of this, so a blob's length
/// does not tell whether a contact has a person code or many materials.
const PAD_TO: usize = 128;

/// States of a record in `records.state`: logged, sealed into a batch
/// (still waiting for a receipt), delivered (signed for by the server).
pub(super) const PENDING: i64 = 0;
pub(super) const BATCHED: i64 = 1;
pub(super) const DELIVERED: i64 = 2;

pub(super) use super::listing::moment;
pub use super::listing::{Listed, Listing};

pub struct Store {
    pub(super) conn: Connection,
    pub(super) key: DataKey,
    path: PathBuf,
    location: Location,
    /// The days before the worker's day, summed for "usual" (see
    /// `Store::usual_counts`), kept for the day they were read for.
    pub(super) earlier_days: std::cell::RefCell<Option<(NaiveDate, DayCounts)>>,
}

/// Where a store lives. Natively the device's home directory, which holds
/// the store's [`FILE_NAME`] (and the app's `prefs.json`); made from a
/// `&Path` or a `PathBuf`. In a browser, the store file's name in the
/// origin's private file system (`install_opfs` first), by default
/// [`FILE_NAME`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    #[cfg(not(target_arch = "wasm32"))]
    dir: PathBuf,
    #[cfg(target_arch = "wasm32")]
    name: String,
}

#[cfg(target_arch = "wasm32")]
pub use super::opfs::install_opfs;

impl Location {
    /// The store's file: natively `tournee.db` in the directory; in a
    /// browser the name in the pool (for messages and `Store::path`).
    pub fn file(&self) -> PathBuf {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.dir.join(FILE_NAME)
        }
        #[cfg(target_arch = "wasm32")]
        {
            PathBuf::from(&self.name)
        }
    }

    /// The device's home directory.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A store file of this name in the OPFS pool.
    #[cfg(target_arch = "wasm32")]
    pub fn named(name: impl Into<String>) -> Location {
        Location { name: name.into() }
    }

    #[cfg(target_arch = "wasm32")]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The store file and the journals SQLite may leave beside it, the
    /// file first: a journal must not go while its database stays.
    fn files(&self) -> [PathBuf; 4] {
        ["", "-wal", "-shm", "-journal"].map(|suffix| {
            let mut file = self.file().into_os_string();
            file.push(suffix);
            PathBuf::from(file)
        })
    }

    /// Whether the store file is there; in a browser an error when the
    /// pool is not installed.
    fn holds_store(&self) -> Result<bool, StoreError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            Ok(self.file().exists())
        }
        #[cfg(target_arch = "wasm32")]
        {
            super::opfs::contains(&self.name)
        }
    }

    /// Makes room for a new store: natively the home directory, owner only.
    fn prepare(&self) -> Result<(), StoreError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            std::fs::create_dir_all(&self.dir)?;
            owner_only(&self.dir, 0o700)
        }
        #[cfg(target_arch = "wasm32")]
        {
            super::opfs::installed()
        }
    }

    fn connect(&self, flags: OpenFlags) -> Result<Connection, StoreError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            Ok(Connection::open_with_flags(self.file(), flags)?)
        }
        #[cfg(target_arch = "wasm32")]
        {
            super::opfs::installed()?;
            Ok(Connection::open_with_flags_and_vfs(
                &self.name,
                flags,
                super::opfs::VFS,
            )?)
        }
    }

    /// Removes one file; one already gone is fine.
    fn remove(file: &Path) -> Result<(), StoreError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            match std::fs::remove_file(file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            }
        }
        #[cfg(target_arch = "wasm32")]
        {
            super::opfs::remove(&file.to_string_lossy())
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl Default for Location {
    fn default() -> Location {
        Location::named(FILE_NAME)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl From<&Path> for Location {
    fn from(dir: &Path) -> Location {
        Location {
            dir: dir.to_path_buf(),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl From<&PathBuf> for Location {
    fn from(dir: &PathBuf) -> Location {
        Location::from(dir.as_path())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl From<PathBuf> for Location {
    fn from(dir: PathBuf) -> Location {
        Location { dir }
    }
}

impl From<&Location> for Location {
    fn from(location: &Location) -> Location {
        location.clone()
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Pads JSON with spaces (which JSON ignores) to the next multiple of [`PAD_TO`].
pub(super) fn padded_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("records serialize");
    let target = bytes.len().div_ceil(PAD_TO) * PAD_TO;
    bytes.resize(target, b' ');
    bytes
}

pub(super) fn decode<T: DeserializeOwned>(plain: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(plain)
        .map_err(|e| StoreError::Damaged(format!("unreadable sealed value: {e}")))
}

#[cfg(unix)]
fn owner_only(path: &Path, mode: u32) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_path: &Path, _mode: u32) -> Result<(), StoreError> {
    Ok(())
}

impl Store {
    /// The store's file at `location` (natively `tournee.db` in the directory).
    pub fn path_in(location: impl Into<Location>) -> PathBuf {
        location.into().file()
    }

    /// Whether a store is at `location` (in a browser, false until
    /// `install_opfs` has run: opening then says why).
    pub fn exists(location: impl Into<Location>) -> bool {
        location.into().holds_store().unwrap_or(false)
    }

    /// Creates a new store at `location` with a fresh data key wrapped by
    /// `pin` and `catalog` as its lists. Refuses a PIN that does not meet
    /// the rule for new ones ([`Pin::choose`]) and an existing store; on
    /// failure, leaves no half-made file behind.
    pub fn create(
        location: impl Into<Location>,
        pin: &Pin,
        catalog: &Catalog,
    ) -> Result<Store, StoreError> {
        let location = location.into();
        if pin.is_weak() {
            return Err(StoreError::BadPin(Pin::rule()));
        }
        if location.holds_store()? {
            return Err(StoreError::Exists(location.file()));
        }
        location.prepare()?;
        let made = Store::build(location.clone(), pin, catalog);
        if made.is_err() {
            let _ = Store::erase(&location);
        }
        made
    }

    fn build(location: Location, pin: &Pin, catalog: &Catalog) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let path = location.file();
        let mut conn = location.connect(flags)?;
        // SQLite gives the WAL and shared-memory files the database's mode.
        owner_only(&path, 0o600)?;
        schema::configure(&conn)?;
        schema::migrate(&mut conn)?;
        let key = DataKey::generate()?;
        let wrapped = key.wrap(pin)?;
        conn.execute(
            "INSERT INTO vault (id, salt, iterations, sealed) VALUES (1, ?1, ?2, ?3)",
            params![wrapped.salt, wrapped.iterations, wrapped.sealed],
        )?;
        let mut store = Store {
            conn,
            key,
            path,
            location,
            earlier_days: Default::default(),
        };
        store.replace_catalog(catalog)?;
        Ok(store)
    }

    /// Opens the store at `location` with the worker's PIN. A wrong PIN
    /// opens nothing.
    pub fn open(location: impl Into<Location>, pin: &Pin) -> Result<Store, StoreError> {
        let location = location.into();
        let path = location.file();
        if !location.holds_store()? {
            return Err(StoreError::Missing(path));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = location.connect(flags)?;
        schema::configure(&conn)?;
        schema::migrate(&mut conn)?;
        let wrapped = read_wrapped(&conn)?;
        let key = DataKey::unwrap(&wrapped, pin)?;
        Ok(Store {
            conn,
            key,
            path,
            location,
            earlier_days: Default::default(),
        })
    }

    /// Removes the store at `location` and the journals beside it (its
    /// WAL and shared memory, or a rollback journal); what is already
    /// gone is fine. The store must be closed (dropped) first: in a
    /// browser an open file is refused, natively its connection would go
    /// on writing to a file that no longer has a name.
    pub fn erase(location: impl Into<Location>) -> Result<(), StoreError> {
        for file in location.into().files() {
            Location::remove(&file)?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where this store lives, for [`Store::erase`] once it is closed.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Re-wraps the data key under `new`; records are not touched. The
    /// current PIN is checked again so an unlocked, unattended phone
    /// cannot have its PIN changed by someone else. `new` must meet the
    /// rule for new PINs: an old weak PIN cannot be chosen again.
    pub fn change_pin(&mut self, current: &Pin, new: &Pin) -> Result<(), StoreError> {
        if new.is_weak() {
            return Err(StoreError::BadPin(Pin::rule()));
        }
        DataKey::unwrap(&read_wrapped(&self.conn)?, current)?;
        self.wrap_under(new)
    }

    /// The data key, wrapped under `new` in place of the old wrap.
    fn wrap_under(&mut self, new: &Pin) -> Result<(), StoreError> {
        let wrapped = self.key.wrap(new)?;
        self.conn.execute(
            "UPDATE vault SET salt = ?1, iterations = ?2, sealed = ?3 WHERE id = 1",
            params![wrapped.salt, wrapped.iterations, wrapped.sealed],
        )?;
        Ok(())
    }

    /// Whether `pin` opens this store, for a second view unlocking a
    /// store already open: one key derivation, no second connection.
    pub fn check_pin(&self, pin: &Pin) -> Result<(), StoreError> {
        DataKey::unwrap(&read_wrapped(&self.conn)?, pin).map(drop)
    }

    /// Re-wraps the data key under `new` without asking for the current
    /// PIN again: only for the engine, right after it checked that PIN at
    /// unlock and found it too weak for today's rule.
    pub fn replace_weak_pin(&mut self, new: &Pin) -> Result<(), StoreError> {
        if new.is_weak() {
            return Err(StoreError::BadPin(Pin::rule()));
        }
        self.wrap_under(new)
    }

    pub fn catalog(&self) -> Result<Catalog, StoreError> {
        self.value(CATALOG)?
            .ok_or_else(|| StoreError::Damaged("no catalog".into()))
    }

    /// Installs a newer catalog (from enrollment or sync).
    pub fn replace_catalog(&mut self, catalog: &Catalog) -> Result<(), StoreError> {
        self.put_value(CATALOG, catalog)
    }

    pub(super) fn value<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, StoreError> {
        let sealed: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT sealed FROM sealed_values WHERE name = ?1",
                [name],
                |row| row.get(0),
            )
            .optional()?;
        sealed
            .map(|s| decode(&self.key.open(&value_aad(name), &s)?))
            .transpose()
    }

    pub(super) fn put_value<T: Serialize>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        put_sealed(&self.conn, &self.key, name, value)
    }

    /// Saves one contact, durably, with its day's counts.
    pub fn save(&mut self, contact: &Contact) -> Result<(), StoreError> {
        self.save_all(std::slice::from_ref(contact))
    }

    /// Saves contacts in one transaction: all of them or none.
    pub fn save_all(&mut self, contacts: &[Contact]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        save_in(&tx, &self.key, contacts)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves contacts imported from `file` (its exact bytes), refusing a
    /// file already imported: paper sheets typed twice would count twice.
    pub fn save_import(&mut self, file: &[u8], contacts: &[Contact]) -> Result<(), StoreError> {
        let mut tag = self.import_tag();
        tag.update(file);
        self.save_import_tagged(tag, contacts)
    }

    /// The tag that recognizes an imported file, to be fed the file as it
    /// is read; [`Store::save_import_tagged`] takes it when it is complete.
    pub fn import_tag(&self) -> TagStream {
        self.key.tag_stream(FILE_LABEL)
    }

    /// [`Store::save_import`] for a file tagged as it streamed by.
    pub fn save_import_tagged(
        &mut self,
        tag: TagStream,
        contacts: &[Contact],
    ) -> Result<(), StoreError> {
        let tag = tag.finish();
        let tx = self.conn.transaction()?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO imports (file_tag) VALUES (?1)",
            [&tag],
        )?;
        if inserted == 0 {
            return Err(StoreError::AlreadyImported);
        }
        save_in(&tx, &self.key, contacts)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves an overdose response, sealed like a contact, to go out in
    /// the next batch.
    pub fn save_overdose(&mut self, overdose: &Overdose) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        insert_record(&tx, &self.key, &Record::Overdose(overdose.clone()))?;
        tx.commit()?;
        Ok(())
    }

    /// Voids a contact or an overdose response: saves a void record naming it and takes it out of
    /// its day's counts. The contact itself stays, to be synced as logged.
    /// A contact already sent can be voided while it is on the phone (until
    /// its day is over): the void goes out in the next batch.
    pub fn void(
        &mut self,
        target: RecordId,
        now: DateTime<FixedOffset>,
    ) -> Result<Void, StoreError> {
        let tx = self.conn.transaction()?;
        let row: Option<(bool, Option<Vec<u8>>)> = tx
            .query_row(
                "SELECT voided, sealed FROM records WHERE record_id = ?1",
                [target.as_bytes().as_slice()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (voided, sealed) = row.ok_or(StoreError::NotFound(target))?;
        if voided {
            return Err(StoreError::AlreadyVoided(target));
        }
        // Delivered and purged: the server holds it now.
        let sealed = sealed.ok_or(StoreError::AlreadySent(target))?;
        let contact = match decode::<Record>(&self.key.open(target.as_bytes(), &sealed)?)? {
            Record::Contact(contact) => Some(contact),
            Record::Overdose(_) | Record::Shift(_) | Record::Incident(_) => None,
            Record::Void(_) => return Err(StoreError::VoidOfVoid(target)),
        };
        let void = Void::new(target, now);
        insert_record(&tx, &self.key, &Record::Void(void.clone()))?;
        tx.execute(
            "UPDATE records SET voided = 1 WHERE record_id = ?1",
            [target.as_bytes().as_slice()],
        )?;
        if let Some(contact) = contact {
            counts::update(&tx, &self.key, contact.local_date(), |counts| {
                counts.remove(&contact)
            })?;
        }
        tx.commit()?;
        Ok(void)
    }

    /// Records (contacts and voids) not yet delivered to the server.
    pub fn count_pending(&self) -> Result<u64, StoreError> {
        let count: i64 = self.conn.query_row(
            "SELECT count(*) FROM records WHERE state != ?1",
            [DELIVERED],
            |row| row.get(0),
        )?;
        Ok(count as u64)
    }

    /// All records held, whatever their state.
    pub fn count_all(&self) -> Result<u64, StoreError> {
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM records", [], |row| row.get(0))?;
        Ok(count as u64)
    }

    /// What was logged on a local day, voids taken out.
    pub fn day_counts(&self, day: NaiveDate) -> Result<DayCounts, StoreError> {
        counts::read(&self.conn, &self.key, day)
    }

    pub(super) fn day_tag(&self, day: NaiveDate) -> Vec<u8> {
        day_tag(&self.key, day)
    }
}

/// Writes a sealed named value through any connection or transaction.
pub(super) fn put_sealed<T: Serialize>(
    conn: &Connection,
    key: &DataKey,
    name: &str,
    value: &T,
) -> Result<(), StoreError> {
    let sealed = key.seal(&value_aad(name), &padded_json(value))?;
    conn.execute(
        "INSERT INTO sealed_values (name, sealed) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed",
        params![name, sealed],
    )?;
    Ok(())
}

fn value_aad(name: &str) -> Vec<u8> {
    [b"value:".as_slice(), name.as_bytes()].concat()
}

fn read_wrapped(conn: &Connection) -> Result<WrappedKey, StoreError> {
    conn.query_row(
        "SELECT salt, iterations, sealed FROM vault WHERE id = 1",
        [],
        |row| {
            Ok(WrappedKey {
                salt: row.get(0)?,
                iterations: row.get(1)?,
                sealed: row.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::Damaged("no wrapped key".into()))
}

fn save_in(tx: &Transaction<'_>, key: &DataKey, contacts: &[Contact]) -> Result<(), StoreError> {
    let mut by_day: BTreeMap<NaiveDate, DayCounts> = BTreeMap::new();
    for contact in contacts {
        insert_record(tx, key, &Record::Contact(contact.clone()))?;
        by_day.entry(contact.local_date()).or_default().add(contact);
    }
    for (day, added) in by_day {
        counts::update(tx, key, day, |counts| counts.merge(&added))?;
    }
    Ok(())
}

pub(super) fn insert_record(
    tx: &Transaction<'_>,
    key: &DataKey,
    record: &Record,
) -> Result<(), StoreError> {
    let id = record.record_id();
    let sealed = key.seal(id.as_bytes(), &padded_json(record))?;
    let tag = day_tag(key, record.local_date());
    tx.execute(
        "INSERT INTO records (record_id, day_tag, state, sealed) VALUES (?1, ?2, ?3, ?4)",
        params![id.as_bytes().as_slice(), tag, PENDING, sealed],
    )?;
    Ok(())
}

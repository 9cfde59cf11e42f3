//! The database's schema, as numbered migrations. `PRAGMA user_version` holds how many
//! have been applied. Migrations only ever add (tables, nullable columns, indexes), so a
//! database a newer frontier migrated still reads and writes with an older one.

use rusqlite::{Connection, TransactionBehavior};

/// Migration `i` takes the database from version `i` to `i + 1`. Append; never edit.
const MIGRATIONS: &[&str] = &[
    // 1: runs and their model calls.
    "CREATE TABLE runs (
        run_id         TEXT PRIMARY KEY NOT NULL,
        started_at_ms  INTEGER NOT NULL,  -- Unix time in ms: when the run began
        source         TEXT NOT NULL,     -- 'run', 'chat', 'hook' or 'mcp'
        scope          TEXT,              -- the hook's scope
        mode           TEXT NOT NULL,     -- 'single' or 'fusion'
        preset         TEXT,
        status         TEXT NOT NULL,     -- 'ok' or 'error'
        failure_reason TEXT,
        models         TEXT NOT NULL,     -- JSON array of the panel's models
        input_tokens   INTEGER NOT NULL,
        output_tokens  INTEGER NOT NULL,
        cost_usd       REAL,              -- NULL when no price was known
        wall_ms        INTEGER NOT NULL,
        report         TEXT NOT NULL      -- the whole RunReport, as JSON
    );
    CREATE INDEX runs_by_start ON runs (started_at_ms);
    CREATE TABLE calls (
        run_id         TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,  -- panel members in order, then judge, then synth
        role           TEXT NOT NULL,     -- 'panel', 'judge' or 'synth'
        model          TEXT NOT NULL,
        route          TEXT NOT NULL,
        ok             INTEGER NOT NULL,  -- 0 or 1
        latency_ms     INTEGER NOT NULL,
        input_tokens   INTEGER,
        output_tokens  INTEGER,
        cost_usd       REAL,
        PRIMARY KEY (run_id, seq)
    );
    CREATE INDEX calls_by_model ON calls (model);",
];

/// The columns of `runs` and `calls` that version 1 made, which every later version
/// keeps: what a reader may select from a database of any version.
pub const RUN_COLUMNS: &str = "run_id, started_at_ms, source, scope, mode, preset, status, failure_reason, \
                               models, input_tokens, output_tokens, cost_usd, wall_ms, report";
pub const CALL_COLUMNS: &str = "run_id, seq, role, model, route, ok, latency_ms, input_tokens, output_tokens, cost_usd";

/// The version this build writes.
pub const VERSION: usize = MIGRATIONS.len();

/// Brings the database up to `VERSION`. Concurrent callers are serialised by an
/// immediate transaction, and the version is read again inside it, so each migration
/// runs once.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    if version(conn)? >= VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let from = version(&tx)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(from) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i64::try_from(index + 1).unwrap_or(i64::MAX))?;
    }
    tx.commit()
}

fn version(conn: &Connection) -> rusqlite::Result<usize> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    Ok(usize::try_from(version).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op_and_sets_the_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), VERSION);
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(tables, ["calls", "runs"]);
    }

    #[test]
    fn a_newer_database_is_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch("ALTER TABLE runs ADD COLUMN later TEXT; PRAGMA user_version = 99;").unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), 99);
    }
}

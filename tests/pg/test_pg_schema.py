#!/usr/bin/env python3
"""The PostgreSQL migrations (data/migrations/pg/, issue 16) against the
SQLite ones, on a throwaway cluster (pgcluster.py).  One numbering: pg/ has
a file for every SQLite migration, by the same name.  Applied in order,
each in one transaction, they give every table SQLite's schema has (but
the SQLite-only search tables), with the same columns in the same order,
the same NOT NULLs and primary keys, and every index by name; the
behaviour that lives in the schema holds (the tally trigger, the audit
that refuses change, the outbox's event list, unique keys); pg_trgm's
indexes are made where the extension is there.  Skipped (77) without a
PostgreSQL server installed."""
import glob
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import pgcluster  # noqa: E402

BIN = os.environ.get("ZHISHOU_BIN") or os.path.join(ROOT, "build", "zhishou")
MIGRATIONS = os.path.join(ROOT, "data", "migrations")
# SQLite's own search structures, which PostgreSQL does with pg_trgm.
SQLITE_ONLY = ("intake_fts", "exposure_fts", "entity_fts", "entity_gram", "entity_order")


def sqlite_only(name):
    return any(name == t or name.startswith(t + "_") for t in SQLITE_ONLY)


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = pgcluster.Cluster()
        try:
            cls.applied = []
            for path in sorted(glob.glob(os.path.join(MIGRATIONS, "pg", "*.sql"))):
                cls.pg.psql(file=path)
                cls.applied.append(os.path.basename(path))
            cls.dir = tempfile.mkdtemp(prefix="zhishou-pgschema-")
            cls.sqlite = os.path.join(cls.dir, "night.db")
            env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": cls.dir}
            subprocess.run([BIN, "--db", cls.sqlite, "init", "--test-clock"], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except BaseException:
            cls.pg.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.pg.close()
        import shutil
        shutil.rmtree(getattr(cls, "dir", ""), ignore_errors=True)

    def sqlite_tables(self):
        db = sqlite3.connect(self.sqlite)
        try:
            names = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            out = {}
            for t in names:
                if sqlite_only(t):
                    continue
                cols = db.execute("PRAGMA table_info(%s)" % t).fetchall()
                # (name, NOT NULL, place in the primary key); an INTEGER
                # PRIMARY KEY is a rowid: never NULL, whatever it says.
                out[t] = [(c[1], bool(c[3]) or c[5] > 0, c[5]) for c in cols]
            indexes = {r[0]: r[1] for r in db.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
            return out, {i: t for i, t in indexes.items() if not sqlite_only(t)}
        finally:
            db.close()

    def pg_tables(self):
        out = {}
        for t, col, nullable, pos in self.pg.rows(
                "SELECT table_name, column_name, is_nullable, ordinal_position FROM information_schema.columns "
                "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"):
            out.setdefault(t, []).append([col, nullable == "NO", 0])
        for t, col, place in self.pg.rows(
                "SELECT c.relname, a.attname, array_position(k.conkey, a.attnum) FROM pg_constraint k "
                "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_attribute a ON a.attrelid = c.oid "
                "AND a.attnum = ANY(k.conkey) WHERE k.contype = 'p' AND c.relnamespace = 'public'::regnamespace"):
            for c in out[t]:
                if c[0] == col:
                    c[2] = int(place)
        return {t: [tuple(c) for c in cols] for t, cols in out.items()}

    def test_one_numbering(self):
        lite = sorted(os.path.basename(p) for p in glob.glob(os.path.join(MIGRATIONS, "*.sql")))
        self.assertEqual(self.applied, lite, "data/migrations/pg/ has a file for each migration, by the same name")

    def test_same_tables_and_columns(self):
        lite, _ = self.sqlite_tables()
        pg = self.pg_tables()
        self.assertEqual(sorted(pg), sorted(lite))
        for t in lite:
            with self.subTest(table=t):
                self.assertEqual(pg[t], lite[t])

    def test_every_index_by_name(self):
        _, lite = self.sqlite_tables()
        pg = dict(self.pg.rows("SELECT indexname, tablename FROM pg_indexes WHERE schemaname = 'public'"))
        for name, table in lite.items():
            with self.subTest(index=name):
                self.assertEqual(pg.get(name), table)

    def test_text_search_indexes_where_pg_trgm_is(self):
        have = self.pg.rows("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        trgm = {r[0] for r in self.pg.rows("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")}
        self.assertEqual(trgm, {"intake_trgm", "exposure_trgm", "entity_trgm"} if have else set())
        if have:
            plan = self.pg.psql("SET enable_seqscan = off; EXPLAIN SELECT id FROM intake WHERE summary LIKE '%酸菜坛%'",
                                single=False)[1]
            self.assertIn("intake_trgm", plan)

    def test_behaviour_in_the_schema(self):
        pg = self.pg
        pg.psql("INSERT INTO intake(received_at, channel, kind, summary, created_at, created_by, updated_at) "
                "VALUES (1, '12315-hotline', 'complaint', 'a', 1, 'u', 1), (1, 'web', 'tip', 'b', 1, 'u', 1);"
                "UPDATE intake SET status = 'accepted' WHERE summary = 'a';")
        self.assertEqual(dict(pg.rows("SELECT status, n FROM intake_tally WHERE n <> 0")), {"new": "1", "accepted": "1"})
        pg.psql("DELETE FROM intake WHERE summary = 'b'")
        self.assertEqual(dict(pg.rows("SELECT status, n FROM intake_tally WHERE n <> 0")), {"accepted": "1"})
        bad = pg.psql("INSERT INTO intake(received_at, channel, kind, summary, created_at, created_by, updated_at) "
                      "VALUES (1, 'web', 'praise', 'c', 1, 'u', 1)", check=False)
        self.assertNotEqual(bad[0], 0)
        # The audit is append-only: no UPDATE, DELETE or TRUNCATE.
        pg.psql("INSERT INTO audit(at, unix_user, entity, entity_id, action, prev_hash, hash) "
                "VALUES (1, 'u', 'intake', 1, 'add', '', 'h1')")
        for sql, word in (("UPDATE audit SET hash = 'x'", "changed"), ("DELETE FROM audit", "deleted"),
                          ("TRUNCATE audit", "deleted")):
            rc, _, err = pg.psql(sql, check=False)
            self.assertNotEqual(rc, 0, sql)
            self.assertIn("audit rows cannot be " + word, err)
        self.assertEqual(pg.rows("SELECT count(*) FROM audit"), [["1"]])
        # The outbox takes every event 008 lists, and nothing else.
        for ev in ("exposure_new", "local_set", "opinion_major"):
            pg.psql("INSERT INTO outbox(created_at, event, payload) VALUES (1, '%s', '{}')" % ev)
        self.assertNotEqual(pg.psql("INSERT INTO outbox(created_at, event, payload) VALUES (1, 'gossip', '{}')",
                                    check=False)[0], 0)
        # Explicit ids (a copied night) and generated ones after them.
        pg.psql("INSERT INTO unit(id, name) VALUES (7, '一所')")
        pg.psql("SELECT setval(pg_get_serial_sequence('unit', 'id'), 7)")
        self.assertEqual(pg.rows("INSERT INTO unit(name) VALUES ('二所') RETURNING id"), [["8"]])
        # Report numbers are unique per exposure and per gala summary.
        pg.psql("INSERT INTO gala(id, name, starts_at, ends_at) VALUES (1, 'g', 1, 2);"
                "INSERT INTO exposure_report(gala_id, number, at, by_user, body) VALUES (1, 1, 1, 'u', '{}')")
        self.assertNotEqual(pg.psql("INSERT INTO exposure_report(gala_id, number, at, by_user, body) "
                                    "VALUES (1, 1, 2, 'u', '{}')", check=False)[0], 0)


if __name__ == "__main__":
    if not pgcluster.available():
        print("skip: no PostgreSQL server installed (apt-get install postgresql)")
        sys.exit(77)
    unittest.main()

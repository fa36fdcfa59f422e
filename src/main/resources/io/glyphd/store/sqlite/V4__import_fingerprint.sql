-- glyphd-store SQLite schema, version 4. Never edit once released: a change is a new migration file.
--
-- An import's fingerprint: what identifies its input's content (the CLI records "sha256:" and the SHA-256 of the
-- file's bytes), so that importing the same file again under another id can be noticed. NULL when the importer gave
-- none, as for every import made before this version. The partial index finds the imports of one fingerprint with
-- one seek; imports without one add nothing to it.
ALTER TABLE imports ADD COLUMN fingerprint TEXT;
CREATE INDEX imports_fingerprint ON imports (fingerprint) WHERE fingerprint IS NOT NULL;

export { openSqliteStore, sqliteDiagnostics } from './sqliteStore.js';
export type { SqliteDiagnostics, SqliteStoreOptions } from './sqliteStore.js';
export { SCHEMA_VERSION } from './migrations.js';

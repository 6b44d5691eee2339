export { openSqliteStore, sqliteDiagnostics } from './sqliteStore.js';
export type { SqliteDiagnostics, SqliteStoreOptions } from './sqliteStore.js';
export { SCHEMA_VERSION, SchemaTooNewError } from './migrations.js';

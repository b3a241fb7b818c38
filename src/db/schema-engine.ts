import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

// Prisma's WebAssembly schema engine, used to author migrations and to check for drift
// (the native engine cannot be downloaded on our machines). Its package entry imports the
// .wasm as an ES module, which Node rejects, so the module is instantiated here by hand.
// It is a development tool: the server applies migrations with src/db/migrator.ts.

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export type SchemaEngine = Awaited<ReturnType<Bindings['SchemaEngine']['new']>>;

let bindings: Promise<Bindings> | undefined;

function loadBindings(): Promise<Bindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg: Bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = path.join(path.dirname(bgPath), 'schema_engine_bg.wasm');
    const module = await WebAssembly.compile(await readFile(wasmPath));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

/**
 * A schema engine over an in-memory PGlite database (which also serves as its shadow
 * database). `datamodel` is the text of schema.prisma.
 */
export async function openSchemaEngine(datamodel: string, log: (message: string) => void = () => {}) {
  const { SchemaEngine } = await loadBindings();
  // The same extensions as the app's embedded database (src/db/client.ts), for the main and
  // the shadow database alike (the adapter's own shadow database has none).
  const pglite = new PGlite({ extensions: { pg_trgm } });
  const shadows: PGlite[] = [];
  const factory = new PrismaPGlite(pglite);
  factory.connectToShadowDb = async () => {
    const shadow = new PGlite({ extensions: { pg_trgm } });
    shadows.push(shadow);
    return new PrismaPGlite(shadow).connect();
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory as never);
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', datamodel]] },
    (message: string) => log(message),
    adapter,
  );
  return {
    engine,
    pglite,
    async close() {
      engine.free();
      await Promise.all([pglite, ...shadows].map((db) => db.close()));
    },
  };
}

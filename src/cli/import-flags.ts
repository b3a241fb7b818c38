import { parseArgs } from 'node:util';
import { externalRefSchema } from '../modules/common/external-ref.js';
import { MAX_BATCH } from '../modules/contact/create-contact.js';
import { FatalError, type Format, formatOf } from './command.js';

// The command line of `contactgraph import`.

export const IMPORT_USAGE = `usage: contactgraph import <file.csv|file.jsonl> --org <org id or name> [options]

  --org <id|name>            the organisation to import into (required)
  --user <email>             the user the import acts as (default: the organisation's first user)
  --upsert-by <key>          externalRef:<namespace> or email: update the contact the row names
                             (create it when missing) instead of always creating
  --allow-sensitive          write ssn (a CSV column or JSONL key); without it such a CSV file
                             is refused and such JSONL rows fail
  --reject-file <file>       where failed rows go (default: <file>.rejects.jsonl)
  --batch-size <n>           rows per write, 1-${MAX_BATCH} (default ${MAX_BATCH})
  --stats                    also print the peak memory (RSS) of the import`;

export type UpsertKey = { kind: 'externalRef'; namespace: string } | { kind: 'email' };

function parseUpsertKey(value: string): UpsertKey {
  if (value.trim().toLowerCase() === 'email') return { kind: 'email' };
  const match = /^externalRef:(.+)$/i.exec(value.trim());
  const namespace = match ? externalRefSchema.shape.namespace.safeParse(match[1]) : null;
  if (!namespace?.success) throw new FatalError(`--upsert-by must be externalRef:<namespace> or email, got "${value}"`, true);
  return { kind: 'externalRef', namespace: namespace.data };
}

export interface ImportOptions {
  file: string;
  format: Format;
  org: string;
  user: string | undefined;
  upsertBy: UpsertKey | null;
  rejectFile: string;
  batchSize: number;
  stats: boolean;
  allowSensitive: boolean;
}

export function parseImportArgs(args: string[]): ImportOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        org: { type: 'string' },
        user: { type: 'string' },
        'upsert-by': { type: 'string' },
        'reject-file': { type: 'string' },
        'batch-size': { type: 'string' },
        stats: { type: 'boolean' },
        'allow-sensitive': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new FatalError((error as Error).message, true);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new FatalError('import needs the file to import', true);
  if (positionals.length > 1) throw new FatalError(`import takes one file, got ${positionals.length}: ${positionals.join(' ')}`, true);
  const file = positionals[0]!;
  const format = formatOf(file);
  if (!format) throw new FatalError(`cannot tell the format of "${file}": name it *.csv or *.jsonl`, true);
  if (!values.org?.trim()) throw new FatalError('--org is required', true);
  let batchSize = MAX_BATCH;
  if (values['batch-size'] !== undefined) {
    batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
      throw new FatalError(`--batch-size must be a whole number from 1 to ${MAX_BATCH}, got "${values['batch-size']}"`, true);
    }
  }
  return {
    file,
    format,
    org: values.org.trim(),
    user: values.user?.trim() || undefined,
    upsertBy: values['upsert-by'] !== undefined ? parseUpsertKey(values['upsert-by']) : null,
    rejectFile: values['reject-file'] ?? `${file}.rejects.jsonl`,
    batchSize,
    stats: values.stats ?? false,
    allowSensitive: values['allow-sensitive'] ?? false,
  };
}

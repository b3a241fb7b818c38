import { createWriteStream, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { endStream, FatalError, findOrganization, type Format, formatOf, openConfiguredDatabase, reporting, writeTo } from './command.js';
import { loadDirectory } from './directory.js';
import { contactToCsv, contactToJson, type ExportedContact, exportHeader, exportQuery } from './export-mapping.js';

// `contactgraph export`: every contact of an organisation, streamed one page at a time.

export const EXPORT_USAGE = `usage: contactgraph export --org <org id or name> --format csv|jsonl [--output <file>]

  writes every contact of the organisation (the recycle bin left out), to stdout by default`;

const EXPORT_PAGE = 1000;

function parseExportArgs(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: { org: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } },
    });
  } catch (error) {
    throw new FatalError((error as Error).message, true);
  }
  const { values } = parsed;
  if (!values.org?.trim()) throw new FatalError('--org is required', true);
  const format = values.format ?? (values.output ? formatOf(values.output) : null);
  if (format !== 'csv' && format !== 'jsonl') {
    throw new FatalError(values.format ? `--format must be csv or jsonl, got "${values.format}"` : '--format csv|jsonl is required', true);
  }
  return { org: values.org.trim(), format: format as Format, output: values.output };
}

async function runExport(args: string[]): Promise<number> {
  const options = parseExportArgs(args);
  const db = await openConfiguredDatabase('export');
  let output: WriteStream | null = null;
  try {
    const organization = await findOrganization(db, options.org);
    const organizationId = organization.id;
    const directory = await loadDirectory(db.prisma, organizationId);
    const where = { organizationId, deletedAt: null, mergedIntoId: null };
    let header: string[] = [];
    if (options.format === 'csv') {
      const namespaces = await db.prisma.externalRef.findMany({
        where: { organizationId, ownerType: 'CONTACT', contact: where },
        distinct: ['namespace'],
        select: { namespace: true },
        orderBy: { namespace: 'asc' },
      });
      header = exportHeader(directory, namespaces.map((n) => n.namespace));
    }

    output = options.output ? createWriteStream(options.output) : null;
    const target: NodeJS.WritableStream = output ?? process.stdout;
    const failed = new Promise<never>((_, reject) => target.once('error', reject));
    failed.catch(() => {});
    const write = (text: string) => Promise.race([writeTo(target, text), failed]);

    if (options.format === 'csv') await write(stringify([header]));
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const page: ExportedContact[] = await db.prisma.contact.findMany({
        where: after ? { ...where, id: { gt: after } } : where,
        orderBy: { id: 'asc' },
        take: EXPORT_PAGE,
        ...exportQuery,
      });
      if (page.length === 0) break;
      const text =
        options.format === 'csv'
          ? stringify(page.map((contact) => contactToCsv(contact, directory, header)))
          : page.map((contact) => `${JSON.stringify(contactToJson(contact, directory))}\n`).join('');
      await write(text);
      count += page.length;
      after = page[page.length - 1]!.id;
      if (page.length < EXPORT_PAGE) break;
    }
    if (output) await endStream(output);
    process.stderr.write(`exported ${count} contacts of "${organization.name}" as ${options.format}${options.output ? ` to ${options.output}` : ''}\n`);
    return 0;
  } finally {
    output?.destroy();
    await db.close();
  }
}

/** `contactgraph export …`: the exit code (0, or 1 when it could not export). */
export function exportCommand(args: string[]): Promise<number> {
  return reporting(EXPORT_USAGE, () => runExport(args));
}

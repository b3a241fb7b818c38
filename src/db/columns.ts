import type { PrismaClient } from './client.js';

interface RuntimeDataModel {
  models: Record<string, { fields: { name: string; dbName?: string | null }[] }>;
}

const columnsByModel = new WeakMap<object, Map<string, Map<string, string>>>();

/**
 * The column a Prisma model's scalar field is stored in (its `@map`, else its name), from the
 * data model the generated client carries; schema.prisma stays the one place that says it.
 */
export function columnOf(prisma: PrismaClient, model: string, field: string): string {
  let models = columnsByModel.get(prisma);
  if (!models) {
    const dataModel = (prisma as unknown as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
    if (!dataModel?.models) throw new Error('the Prisma client carries no runtime data model');
    models = new Map(
      Object.entries(dataModel.models).map(([name, { fields }]) => [name, new Map(fields.map((f) => [f.name, f.dbName ?? f.name]))]),
    );
    columnsByModel.set(prisma, models);
  }
  const column = models.get(model)?.get(field);
  if (!column) throw new Error(`no column for ${model}.${field}`);
  return column;
}

// Bodies of the operators' commands.
import type { JSONSchemaType } from 'ajv';

/**
 * POST /api/v1/admin/read-models/:name/rebuild. `acceptDifferences`: switch even when the new
 * version differs from the live one (the rules changed on purpose); decided at the start.
 */
export type RebuildStartBody = { acceptDifferences?: boolean };
export const rebuildStartBody: JSONSchemaType<RebuildStartBody> = {
  type: 'object',
  // Absent or a boolean, never null: ajv's types ask optional properties to be nullable, and
  // `not` takes null back out.
  properties: { acceptDifferences: { type: 'boolean', nullable: true, not: { type: 'null' } } },
  additionalProperties: false,
};

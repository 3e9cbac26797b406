import { transformSchemaForUpstream } from '../../upstream/upstream-schema.js';

export class SchemaError extends Error {}

/**
 * A JSON schema as the Messages API accepts it for structured output and strict
 * tools. Clients send what their libraries emit (LangChain, zod-to-json-schema,
 * pydantic: titles, `$schema`, `$defs`/`$ref`, `minLength`, formats); keywords the
 * API does not support would be a 400, so the SDK's own transform moves them
 * into the description, where the model still reads them.
 */
export function toUpstreamSchema(schema: Record<string, unknown>): Record<string, unknown> {
  try {
    return transformSchemaForUpstream(schema);
  } catch (error) {
    throw new SchemaError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * OpenAI's JSON mode promises "a valid JSON object" without a schema, and
 * structured outputs need one whose objects are closed: no schema forces "any
 * object". So JSON mode is an instruction, and the answer's code fence, if the
 * model adds one, is taken off (json-fence.ts).
 */
export const JSON_MODE_INSTRUCTION =
  'Answer with one valid JSON object and nothing else: no text before or after it, no Markdown code fence.';

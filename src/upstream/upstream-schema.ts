import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';

/**
 * The SDK's own transform for structured-output and strict-tool schemas, kept
 * in step with what the API accepts. A pure function; it lives here because
 * this folder is the only runtime importer of the SDK.
 */
export function transformSchemaForUpstream(schema: Record<string, unknown>): Record<string, unknown> {
  return transformJSONSchema(schema);
}

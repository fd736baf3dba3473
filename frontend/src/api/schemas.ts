import type { components } from './openapi'

/**
 * A shape of the admin API as docs/openapi.yml describes it, by its schema name (`npm run api-types` writes
 * openapi.ts from that committed document). Hand-written types remain only where the document is vaguer than the
 * answer (maps the server builds, `JsonNode`, strings that hold one of a few values).
 */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name]

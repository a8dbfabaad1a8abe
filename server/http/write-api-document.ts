import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { hubApiDocument } from './api-document.js';

/** `npm run openapi`: writes the hub's OpenAPI document to docs/openapi.json. */
export const API_DOCUMENT_PATH = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

// Formatted as `npm run lint` checks it, with the project's prettier settings.
const options = (await resolveConfig(API_DOCUMENT_PATH)) ?? {};
const text = await format(JSON.stringify(await hubApiDocument()), { ...options, parser: 'json' });
await writeFile(API_DOCUMENT_PATH, text);
console.log(`wrote ${API_DOCUMENT_PATH}`);

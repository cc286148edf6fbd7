// Column types drizzle does not name itself.
import { customType } from 'drizzle-orm/pg-core';

/** Binary content (uploaded documents, generated files): Uint8Array on both drivers. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

import type { Store } from "../contract.ts";
import { StoreError } from "../errors.ts";

/** Opens the PostgreSQL store at `url`, migrating its schema. (Being written.) */
export async function openPostgresStore(url: string): Promise<Store> {
  throw new StoreError(`PostgreSQL store not available yet (${url.replace(/\/\/[^@/]*@/, "//")})`);
}

import { expect } from "vitest";
import { AdapterError } from "../../src/errors.ts";

/**
 * The AdapterError `promise` rejects with. Fails the test when it resolves, when it rejects with
 * anything else, or when the message shows one of `secrets`: a test inspecting the error can
 * then never pass on a call that did not fail.
 */
export async function failure(promise: Promise<unknown>, secrets: string[] = []): Promise<AdapterError> {
  const error = await promise.then(
    () => expect.fail("expected the call to fail, but it resolved"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  const adapterError = error as AdapterError;
  for (const secret of secrets) expect(adapterError.message).not.toContain(secret);
  return adapterError;
}

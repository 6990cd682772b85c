/**
 * What a hostile input did: a result, or a documented error. Anything else
 * thrown (a `RangeError` from a stack overflow, a `TypeError`, a plain
 * `Error`) is what issue 17 is about, and fails the test with its stack.
 */
import { FormworkError, LimitError } from "@formwork/core";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: FormworkError };

/** Runs `f` and returns its value or the `FormworkError` it threw; rethrows anything else. */
export async function outcome<T>(f: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (err) {
    if (err instanceof FormworkError) return { ok: false, error: err };
    throw err;
  }
}

/** The error of an outcome that must have failed with `code`; a `LimitError` must name its limit and how to raise it (or, past what the stack holds, to lower it). */
export function expectError<T>(o: Outcome<T>, code: string): FormworkError {
  if (o.ok) throw new Error(`expected the error ${code}, got a result: ${JSON.stringify(o.value)?.slice(0, 200)}`);
  if (o.error.code !== code) throw new Error(`expected the error ${code}, got ${o.error.code}: ${o.error.message}`);
  if (o.error instanceof LimitError && o.error.limit !== undefined) {
    if (!o.error.message.includes(o.error.limit) || !/Raise it|Lower limits\./.test(o.error.message)) throw new Error(`the limit error does not say which limit or how to raise it: ${o.error.message}`);
  }
  return o.error;
}

/** The value of an outcome that must have succeeded. */
export function expectValue<T>(o: Outcome<T>): T {
  if (!o.ok) throw new Error(`expected a result, got ${o.error.name} ${o.error.code}: ${o.error.message}`);
  return o.value;
}

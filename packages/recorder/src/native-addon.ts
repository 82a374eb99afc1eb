// Loading the recorder's Node-API addons (packages/recorder/native/, built by `make deps` into
// native/build/). Each is optional: a checkout without them runs on the JavaScript fallbacks, so
// "not built" gives null, and an addon that is built but cannot be loaded (a missing shared
// library, a Node ABI change) gives null with the reason instead of ending the process.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeAddonLoad<T> {
  /** The addon's exports, or null. */
  readonly addon: T | null;
  /** Why a built addon could not be loaded; null when it loaded or is simply not built. */
  readonly error: Error | null;
}

const loaded = new Map<string, NativeAddonLoad<unknown>>();
const require = createRequire(import.meta.url);

/** Loads `native/build/<file>` once per process. */
export function loadNativeAddon<T>(file: string): NativeAddonLoad<T> {
  const path = fileURLToPath(new URL(`../native/build/${file}`, import.meta.url));
  let load = loaded.get(path) as NativeAddonLoad<T> | undefined;
  if (load === undefined) {
    try {
      load = { addon: require(path) as T, error: null };
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
      load = { addon: null, error: missing ? null : (err as Error) };
    }
    loaded.set(path, load);
  }
  return load;
}

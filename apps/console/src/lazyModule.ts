import { ComponentType, lazy, LazyExoticComponent } from 'react';

/**
 * A part of the console that loads on first use (its own chunk), and that can be loaded ahead of
 * rendering. Once its code is here, its components render at once: React.lazy is handed the loaded
 * module synchronously, so nothing suspends. That matters on every start of a signed-in page: a
 * page that suspends shows its fallback, and React then holds the fallback for 300 ms at least
 * before it shows the page, even when the page's code comes from the cache a moment later.
 */
export interface LazyModule<M> {
  /** Starts loading the module (once); resolves when it is here. */
  load(): Promise<M>;
  /** The module's export `name` as a component that loads the module when it first renders. */
  component<K extends keyof M>(name: K): LazyExoticComponent<M[K] & ComponentType<any>>;
}

export function lazyModule<M>(importer: () => Promise<M>): LazyModule<M> {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  const components = new Map<keyof M, LazyExoticComponent<any>>();
  const load = () =>
    (loading ??= importer().then(
      (module) => (loaded = module),
      (error) => {
        // A failed download (the signal dropped) is tried again on the next use.
        loading = undefined;
        throw error;
      },
    ));
  return {
    load,
    component(name) {
      let component = components.get(name);
      if (!component) {
        // React.lazy calls then() on what this returns, and takes a module handed over synchronously
        // without suspending.
        const factory = () =>
          (loaded ? { then: (resolve: (value: unknown) => void) => resolve({ default: loaded![name] }) } : load().then((module) => ({ default: module[name] }))) as Promise<{ default: any }>;
        component = lazy(factory);
        components.set(name, component);
      }
      return component;
    },
  };
}

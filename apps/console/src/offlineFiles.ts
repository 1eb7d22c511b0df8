// ---------------------------------------------------------------------------------------------
// Files kept on this device for the outbox: a photo taken without a network (already shrunk) waits
// in IndexedDB (localStorage holds text only, and too little of it) until its command is sent. Loaded
// only when a command brings a file, so no page carries it otherwise.
// ---------------------------------------------------------------------------------------------

const DB = 'shecun.outbox-files';
const STORE = 'files';

let opened: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }).catch((error) => {
    opened = null;
    throw error;
  });
  return opened;
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest | void): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = act(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request ? (request.result as T) : (undefined as T));
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

/** Keeps `file` under `id` (a file keeps its name and type). */
export const keepFile = (id: string, file: Blob) => run<void>('readwrite', (store) => store.put(file, id));

/** The file kept under `id`, or undefined when it is gone (storage cleared). */
export const keptFile = (id: string) => run<Blob | undefined>('readonly', (store) => store.get(id));

/** Forgets the files kept under `ids`. */
export const forgetFiles = (ids: string[]) =>
  ids.length === 0 ? Promise.resolve() : run<void>('readwrite', (store) => void ids.forEach((id) => store.delete(id)));

import dayjs, { Dayjs } from 'dayjs';

// What the coordinator typed in the need form, kept as it is typed: a new need's draft in
// localStorage (it survives closing the browser, and waits on a phone without a network until
// posted), a revision's in sessionStorage (it is tied to the need's revision the tab opened).

const KEPT = 'shecun.needForm';

/** Where a form's draft is kept: a new need's per person, a revision's per need and revision. */
export const draftKey = (actorId: string, need?: { id: string; revision: number }) => (need ? `${KEPT}.${need.id}.${need.revision}` : `${KEPT}.new.${actorId}`);

const storageOf = (key: string): Storage => (key.startsWith(`${KEPT}.new.`) ? localStorage : sessionStorage);

/** The draft kept under `key`, its due date as a day again; undefined when there is none. */
export function restoreDraft<T extends { dueDate?: Dayjs | null }>(key: string): Partial<T> | undefined {
  try {
    const kept = JSON.parse(storageOf(key).getItem(key) ?? 'null');
    if (!kept || typeof kept !== 'object') return undefined;
    return { ...kept, dueDate: kept.dueDate ? dayjs(kept.dueDate) : undefined };
  } catch {
    return undefined;
  }
}

export function keepDraft<T extends { dueDate?: Dayjs | null }>(key: string, values: T) {
  try {
    storageOf(key).setItem(key, JSON.stringify({ ...values, dueDate: values.dueDate ? values.dueDate.format('YYYY-MM-DD') : undefined }));
  } catch {
    /* storage full or private mode */
  }
}

export const discardDraft = (key: string) => storageOf(key).removeItem(key);

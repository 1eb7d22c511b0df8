import { foldRecorded } from '@shecun/core';
import { EventStore } from '@shecun/event-store';
import { needDecider } from './need.decider';
import { NeedLifecycle, needStream } from './need.model';
import { Category } from '@shecun/categories';

/**
 * What another context may know of one need: part of the needs context's published language
 * (version 1), read from the need's stream (consistent, no read-model lag). Other contexts use
 * this, never the needs decider or its state, which may change shape.
 */
export interface PublishedNeed {
  needId: string;
  /** False for an id nobody drafted. */
  exists: boolean;
  /** `published` while it takes commitments and gifts; `draft` is not yet visible to anyone else. */
  lifecycle: NeedLifecycle;
  title: string;
  villageCode: string;
  category: Category;
  publishedAt: string | null;
}

export async function readPublishedNeed(store: EventStore, needId: string): Promise<PublishedNeed> {
  const need = foldRecorded(needDecider, await store.readStream(needStream(needId)));
  return { needId, exists: need.exists, lifecycle: need.lifecycle, title: need.fields.title, villageCode: need.villageCode, category: need.fields.category, publishedAt: need.publishedAt };
}

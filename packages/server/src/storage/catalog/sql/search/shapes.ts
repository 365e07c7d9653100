// The types of the search's queries: the database as the queries see it,
// the rows they return, and the builders passed between the files.

import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { SearchQuery } from '../../catalog.ts';
import type { Database, ImagesTable } from '../schema.ts';

/** What the catalog is asked: a parsed search plus the start of the restore window. */
export type SearchInput = SearchQuery;

export type SearchDb = Database & { i: ImagesTable };
export type ImageRow = Selectable<ImagesTable> & Record<string, unknown>;
/** Ids of matching images, read from an index. */
export type Ids = SelectQueryBuilder<Database, never, { image_id: number }>;
export type Count = SelectQueryBuilder<Database, never, { n: number | bigint | string }>;
export type Page = SelectQueryBuilder<SearchDb, 'i', ImageRow>;

export interface KeyRow {
  id: number;
  /** 1 when the row comes after the cursor. */
  after?: number;
  [sortValue: string]: unknown;
}

import { KbTransitionError, type KbState } from './repository.js';

/**
 * The rules of a KB version's life cycle (the states are KB_STATES of shared/hub-api),
 * in one place for every KbRepository (the SQL stores and the in-memory one of tests):
 *
 *   draft -> in-review -> published -> retired
 *   in-review -> draft (sent back)
 *
 * and publishing a version retires the article's previously published one, so an
 * article has at most one published version. Pure: the stores apply the moves.
 */
export const KB_MOVES: Readonly<Record<KbState, readonly KbState[]>> = {
  draft: ['in-review'],
  'in-review': ['draft', 'published'],
  published: ['retired'],
  retired: [],
};

export function canMove(from: KbState, to: KbState): boolean {
  return KB_MOVES[from].includes(to);
}

/** Throws KbTransitionError ('not-allowed') when the life cycle forbids `from` -> `to`. */
export function checkMove(articleId: string, version: number, from: KbState, to: KbState): void {
  if (!canMove(from, to)) {
    throw new KbTransitionError(
      `KB article ${articleId} version ${version} cannot go from ${from} to ${to}`,
      'not-allowed',
    );
  }
}

/** True when moving a version to `to` retires the article's published version first. */
export function retiresPublished(to: KbState): boolean {
  return to === 'published';
}

/** The note logged on a version retired because a newer one was published. */
export const SUPERSEDED_NOTE = 'a newer version was published';

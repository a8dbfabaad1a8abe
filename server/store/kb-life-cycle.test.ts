import { describe, expect, it } from 'vitest';
import { KB_STATES } from '../../shared/hub-api.js';
import { canMove, checkMove, KB_MOVES, retiresPublished } from './kb-life-cycle.js';
import { KbTransitionError } from './repository.js';

describe('KB life cycle rules', () => {
  it('allows exactly the moves of the life cycle', () => {
    const allowed = KB_STATES.flatMap((from) =>
      KB_STATES.filter((to) => canMove(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      ['draft->in-review', 'in-review->draft', 'in-review->published', 'published->retired'].sort(),
    );
    expect(Object.keys(KB_MOVES).sort()).toEqual([...KB_STATES].sort());
  });

  it('names article, version and both states when it refuses a move', () => {
    expect(() => checkMove('a-1', 2, 'retired', 'published')).toThrow(KbTransitionError);
    expect(() => checkMove('a-1', 2, 'retired', 'published')).toThrow(
      'KB article a-1 version 2 cannot go from retired to published',
    );
    expect(() => checkMove('a-1', 2, 'draft', 'in-review')).not.toThrow();
  });

  it('retires the published version only when another is published', () => {
    expect(KB_STATES.filter(retiresPublished)).toEqual(['published']);
  });
});

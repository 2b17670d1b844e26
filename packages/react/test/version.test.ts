import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { expect, it } from 'vitest';

it('runs on the React this project names', () => {
  const expected = process.env.REACT_UNDER_TEST;
  expect(expected).toMatch(/^1[89]\./);
  expect([version, domVersion]).toEqual([expected, expected]);
});

import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Vitest runs without globals, so Testing Library cannot register its own cleanup: unmount (and so stop the
// provider's actor) after every test.
afterEach(() => cleanup());

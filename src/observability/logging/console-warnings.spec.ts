import { jest } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import { routeConsoleWarnings } from './console-warnings.js';

it("sends the SDK's bare console.warn notices through the application's logger, and can be undone", () => {
  const warn = jest.fn();
  const original = console.warn;
  const restore = routeConsoleWarnings({ warn } as unknown as Logger);
  try {
    console.warn("The model '%s' is deprecated", 'claude-sonnet-4-5');
    expect(warn).toHaveBeenCalledWith("The model 'claude-sonnet-4-5' is deprecated");
  } finally {
    restore();
  }
  expect(console.warn).toBe(original);
});

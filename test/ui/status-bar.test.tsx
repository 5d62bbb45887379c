import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { StatusBar } from '../../src/ui/StatusBar';

const base = { modelId: 'qwen3-coder', workspace: '~/app', approvalMode: 'ask' as const, usage: { inputTokens: 9000, outputTokens: 1000 }, activity: { kind: 'idle' as const } };

describe('StatusBar', () => {
  it('shows how full the context window is, not only tokens spent', () => {
    const { lastFrame } = render(<StatusBar {...base} context={{ tokens: 53_740, window: 131_072 }} />);
    expect(lastFrame()).toContain('41% of 128k');
    expect(lastFrame()).toContain('10.0k tokens');
  });

  it('shows no share before the first request', () => {
    const { lastFrame } = render(<StatusBar {...base} />);
    expect(lastFrame()).not.toContain('% of');
  });

  it("shows the latest request's cache hit share where the server caches", () => {
    const usage = { inputTokens: 9000, outputTokens: 1000, cachedInputTokens: 4000 };
    const { lastFrame } = render(<StatusBar {...base} usage={usage} lastCache={{ inputTokens: 2000, cachedInputTokens: 1740 }} />);
    expect(lastFrame()).toContain('87% cached');
  });

  it('says nothing of a cache a server never used (a local server counting zero)', () => {
    const { lastFrame } = render(<StatusBar {...base} usage={{ ...base.usage, cachedInputTokens: 0 }} lastCache={{ inputTokens: 2000, cachedInputTokens: 0 }} />);
    expect(lastFrame()).not.toContain('cached');
  });
});

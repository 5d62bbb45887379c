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
});
